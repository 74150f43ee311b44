# Sourced by every script here. GRACE_URL (default http://127.0.0.1:8080)
# and GRACE_API_KEY (optional: leave unset for `grace serve --no-auth`).
set -euo pipefail
GRACE_URL="${GRACE_URL:-http://127.0.0.1:8080}"
GRACE_URL="${GRACE_URL%/}"

# grace_curl METHOD PATH [curl args...]: prints the body; exits non-zero
# (curl's 22) on an HTTP error, after printing the error body to stderr.
grace_curl() {
	local method=$1 path=$2
	shift 2
	local auth=()
	if [[ -n "${GRACE_API_KEY:-}" ]]; then auth=(-H "X-API-Key: ${GRACE_API_KEY}"); fi
	local out status
	out=$(mktemp)
	status=$(curl -sS -o "$out" -w '%{http_code}' -X "$method" "${auth[@]}" "$@" "${GRACE_URL}${path}") || { rm -f "$out"; return 7; }
	if [[ "$status" -ge 400 ]]; then
		echo "HTTP $status from $method $path:" >&2
		cat "$out" >&2
		echo >&2
		rm -f "$out"
		return 22
	fi
	cat "$out"
	echo
	rm -f "$out"
}

need_file() {
	if [[ -z "${1:-}" || ! -f "$1" ]]; then
		echo "usage: $0 FILE ... (an image, e.g. a receipt photo)" >&2
		exit 2
	fi
}
