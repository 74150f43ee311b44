#!/usr/bin/env bash
# POST /api/ocr/clean: delete finished jobs older than N seconds (audited).
#   clean.sh [OLDER_THAN_SECS]             (default 86400)
source "$(dirname "$0")/common.sh"
grace_curl POST /api/ocr/clean -H 'Content-Type: application/json' -d "{\"older_than_secs\": ${1:-86400}}"
