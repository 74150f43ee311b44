#!/usr/bin/env bash
# POST /v1/run/{module_or_pipeline}: synchronous run, answers the contract v1.2 envelope.
#   run.sh FILE [NAME] [OPTIONS_JSON]      e.g. run.sh receipt.jpg ocr '{"profile":"fast"}'
source "$(dirname "$0")/common.sh"
need_file "${1:-}"
file=$1 name=${2:-invoice} options=${3:-}
args=(-F "file=@${file}")
if [[ -n "$options" ]]; then args+=(-F "options=${options};type=application/json"); fi
grace_curl POST "/v1/run/${name}" "${args[@]}"
