#!/usr/bin/env bash
# GET /api/ocr/result/{request_id}: a job's status and, once done, its envelope.
#   result.sh REQUEST_ID [--wait SECONDS]  (--wait polls until done or failed)
source "$(dirname "$0")/common.sh"
id=${1:?usage: result.sh REQUEST_ID [--wait SECONDS]}
wait=0
if [[ "${2:-}" == --wait ]]; then wait=${3:-60}; fi
deadline=$((SECONDS + wait))
while :; do
	body=$(grace_curl GET "/api/ocr/result/${id}")
	if [[ "$wait" == 0 ]] || grep -Eq '"status" *: *"(done|failed)"' <<<"$body" || ((SECONDS >= deadline)); then break; fi
	sleep 1
done
echo "$body"
if grep -Eq '"status" *: *"failed"' <<<"$body"; then exit 1; fi
if [[ "$wait" != 0 ]] && ! grep -Eq '"status" *: *"done"' <<<"$body"; then echo "job $id not done after ${wait}s" >&2; exit 1; fi
