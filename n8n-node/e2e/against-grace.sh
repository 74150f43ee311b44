#!/usr/bin/env bash
# Starts a real `grace serve` on a free loopback port with a fresh data
# folder and API key, runs the curl examples (examples/curl/run-all.sh) and
# the real-n8n end-to-end test (e2e/run.mjs) against it, then stops it.
#
#   n8n-node/e2e/against-grace.sh GRACE_BIN MODULES_DIR RECEIPT.jpg [IMAGES_DIR]
#
# Env passed through to run.mjs: GRACE_N8N_CACHE, GRACE_N8N_TARBALL,
# GRACE_E2E_REQUIRE_INVOICE (also given to run-all.sh as GRACE_REQUIRE_INVOICE),
# npm_config_cache. Exit code: non-zero if either
# part failed. The e2e JSON summary is the last line on stdout.
set -uo pipefail
grace=${1:?usage: against-grace.sh GRACE_BIN MODULES_DIR RECEIPT.jpg [IMAGES_DIR]}
modules=${2:?modules dir}
receipt=${3:?receipt image}
images=${4:-}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

work=$(mktemp -d)
port=$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
key=$("$grace" keys create e2e --data-dir "$work/data" | head -1)
printf 'this is not an image\n' > "$work/corrupt.jpg"

"$grace" serve --listen "127.0.0.1:$port" --data-dir "$work/data" --modules-dir "$modules" > "$work/grace.log" 2>&1 &
pid=$!
cleanup() { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
export GRACE_URL="http://127.0.0.1:$port" GRACE_API_KEY="$key"
# The first start compiles the modules (over a minute for ocr on 2 busy cores).
for _ in $(seq 1 600); do
	curl -sf "$GRACE_URL/health" > /dev/null && break
	kill -0 "$pid" 2>/dev/null || { echo "grace serve exited:" >&2; cat "$work/grace.log" >&2; exit 2; }
	sleep 0.5
done

rc=0
echo "== curl examples against $GRACE_URL" >&2
GRACE_REQUIRE_INVOICE="${GRACE_E2E_REQUIRE_INVOICE:-1}" "$repo/examples/curl/run-all.sh" "$receipt" "$work/corrupt.jpg" >&2 || rc=1
echo "== n8n end-to-end against $GRACE_URL" >&2
args=(--receipt "$receipt" --corrupt "$work/corrupt.jpg")
if [[ -n "$images" ]]; then args+=(--images "$images"); fi
node "$here/run.mjs" "${args[@]}" || rc=1
if [[ $rc != 0 ]]; then echo "== grace serve log (tail)" >&2; tail -40 "$work/grace.log" >&2; fi
exit $rc
