#!/usr/bin/env bash
# The TypeScript side of `cargo xtask test`: install (pinned, from the
# committed lock file), build, lint (zero warnings), unit tests, pack, and a
# check that the tarball holds only dist/, README, LICENSE and package.json.
# Idempotent; quiet on success (output shown only for a failing step), except
# the test runner's summary line.
#
#   n8n-node/scripts/ci.sh            # build, lint, test, pack
#   GRACE_E2E=1 GRACE_URL=... GRACE_API_KEY=... GRACE_E2E_RECEIPT=... GRACE_E2E_CORRUPT=... n8n-node/scripts/ci.sh
#                                     # ...then the real-n8n end-to-end test
# Env: npm_config_cache (npm's cache folder, honoured by npm itself),
#      GRACE_NPM_CI=0 to skip `npm ci` when node_modules is already current.
set -euo pipefail
cd "$(dirname "$0")/.."

step() {
	local name=$1; shift
	local out
	if ! out=$("$@" 2>&1); then
		echo "n8n-node: $name failed:" >&2
		echo "$out" >&2
		exit 1
	fi
}

# npm ci only when the lock file changed since the last install.
stamp=node_modules/.grace-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ "${GRACE_NPM_CI:-1}" != 0 && ( ! -f $stamp || "$(cat $stamp)" != "$want" ) ]]; then
	step "npm ci" npm ci --no-audit --no-fund --loglevel=error
	echo "$want" > $stamp
fi

step build npm run --silent build
step lint npm run --silent lint
out=$(node --test --test-reporter=spec test/ 2>&1) || { echo "$out" >&2; echo "n8n-node: unit tests failed" >&2; exit 1; }
pass=$(grep -E '^ℹ pass ' <<<"$out" | awk '{print $3}')
fail=$(grep -E '^ℹ fail ' <<<"$out" | awk '{print $3}')
echo "n8n-node: ${pass} passed, ${fail} failed"

mkdir -p .pack
rm -f .pack/*.tgz
step "npm pack" npm pack --pack-destination .pack --loglevel=error --ignore-scripts
tarball=$(ls .pack/*.tgz)
unexpected=$(tar -tzf "$tarball" | grep -vE '^package/(dist/.*|README\.md|LICENSE|package\.json)$' || true)
if [[ -n "$unexpected" ]]; then
	echo "n8n-node: the package holds files beyond dist, README, LICENSE, package.json:" >&2
	echo "$unexpected" >&2
	exit 1
fi
listing=$(tar -tzf "$tarball")
for f in package/dist/nodes/OcrExtract/OcrExtract.node.js package/dist/credentials/GraceApi.credentials.js \
	package/dist/icons/grace.svg package/dist/icons/grace.dark.svg package/dist/nodes/OcrExtract/OcrExtract.node.json \
	package/README.md package/LICENSE package/package.json; do
	grep -qx "$f" <<<"$listing" || { echo "n8n-node: $f missing from $tarball" >&2; exit 1; }
done

if [[ "${GRACE_E2E:-0}" == 1 ]]; then
	GRACE_N8N_TARBALL="$PWD/$tarball" node e2e/run.mjs
fi
