#!/usr/bin/env bash
# The four ways to send a document to a run route (host/API.md, "Sending a
# document"), here against /v1/run/NAME (default hash, the cheapest module).
#   upload-forms.sh FILE [NAME]
source "$(dirname "$0")/common.sh"
need_file "${1:-}"
file=$1 name=${2:-hash}
b64=$(base64 -w0 "$file")
mime=$(file -b --mime-type "$file" 2>/dev/null || echo application/octet-stream)

echo "# 1. multipart/form-data with a file part and an options part" >&2
grace_curl POST "/v1/run/${name}" -F "file=@${file}" -F 'options={};type=application/json'

echo "# 2. raw body with its Content-Type, options as query parameters" >&2
grace_curl POST "/v1/run/${name}?options=%7B%7D" -H "Content-Type: ${mime}" --data-binary "@${file}"

echo "# 3. JSON with the file in base64" >&2
body=$(mktemp)
printf '{"file":"%s","filename":"%s","options":{}}' "$b64" "$(basename "$file")" > "$body"
grace_curl POST "/v1/run/${name}" -H 'Content-Type: application/json' --data-binary "@${body}"

echo "# 4. a contract v1.2 request envelope" >&2
printf '{"contract_version":"1.2","envelope":{"trace_id":"curl-example-0001"},"payload":{"encoding":"base64","content":"%s"},"options":{}}' "$b64" > "$body"
grace_curl POST "/v1/run/${name}" -H 'Content-Type: application/json' --data-binary "@${body}"
rm -f "$body"
