#!/usr/bin/env bash
# POST /api/ocr/process_batch: queue several files at once (one `file` part each).
#   process-batch.sh FILE [FILE...]        (module: GRACE_MODULE, default ocr)
source "$(dirname "$0")/common.sh"
need_file "${1:-}"
args=()
for f in "$@"; do need_file "$f"; args+=(-F "file=@${f}"); done
grace_curl POST "/api/ocr/process_batch?module=${GRACE_MODULE:-ocr}" "${args[@]}"
