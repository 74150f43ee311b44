#!/usr/bin/env bash
# GET /api/documentation/openapi.json (the OpenAPI 3 document) and GET /api/documentation (the page).
#   documentation.sh [--html]
source "$(dirname "$0")/common.sh"
if [[ "${1:-}" == --html ]]; then grace_curl GET /api/documentation; else grace_curl GET /api/documentation/openapi.json; fi
