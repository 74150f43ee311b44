#!/usr/bin/env bash
# POST /v1/zapier/{module_or_pipeline}: synchronous run, answers one flat object.
#   zapier.sh FILE [NAME]                  e.g. zapier.sh receipt.jpg invoice
source "$(dirname "$0")/common.sh"
need_file "${1:-}"
grace_curl POST "/v1/zapier/${2:-invoice}" -F "file=@$1"
