#!/usr/bin/env bash
# POST /api/ocr/process_image?module=NAME: queue one job; answers 202 with request_id.
#   process-image.sh FILE [NAME]
source "$(dirname "$0")/common.sh"
need_file "${1:-}"
grace_curl POST "/api/ocr/process_image?module=${2:-ocr}" -F "file=@$1"
