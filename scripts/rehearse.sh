#!/usr/bin/env bash
# `make rehearse`: a dress rehearsal of the live path, without a key or the internet.
#
# Starts `zimage serve tls` (both regions, TLS, HTTP/2, DashScope's real hostnames, a throwaway CA), then runs every
# live command against the real URLs, routed to it by ZIMAGE_CONNECT_TO and trusting the CA with --ca-file:
#   zimage probe (both regions), zimage generate (default region, no --base-url), validate --live (both regions),
#   zimage cassettes record --live (both regions, into a scratch folder), zimage cassettes check on what was recorded.
# Anything not routed goes to an unreachable proxy, so nothing here can reach the internet. Exits 0 only if every step
# passed. The scratch folder is removed on success and kept (its path printed) on failure.
set -uo pipefail
cd "$(dirname "$0")/.."

SWIFT=${SWIFT:-swift}
KEY=sk-test-rehearsal-2f6c
"$SWIFT" build >/dev/null || { echo "rehearse: the build failed; run swift build to see why" >&2; exit 1; }
BIN=$("$SWIFT" build --show-bin-path)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/zimage-rehearsal.XXXXXX")
SERVER=

finish() {
    local status=$?
    if [ -n "$SERVER" ] && kill -0 "$SERVER" 2>/dev/null; then kill -INT "$SERVER"; wait "$SERVER" 2>/dev/null; fi
    if [ "$status" -eq 0 ]; then rm -rf "$WORK"; else echo "rehearse: everything it wrote is kept in $WORK" >&2; fi
}
trap finish EXIT

# Nothing from the caller's environment may send a request elsewhere or supply a real key; under GitHub Actions the
# rehearsal's validate run must not annotate the repository's cassettes a second time.
unset DASHSCOPE_BASE_URL ZIMAGE_OFFLINE ZIMAGE_RECORD_MODE GITHUB_ACTIONS GITHUB_STEP_SUMMARY no_proxy NO_PROXY
export HOME="$WORK/home" OUTPUT_DIR="$WORK/output" DASHSCOPE_API_KEY=$KEY
export https_proxy=http://127.0.0.1:9 HTTPS_PROXY=http://127.0.0.1:9 http_proxy=http://127.0.0.1:9 ALL_PROXY=http://127.0.0.1:9
mkdir -p "$HOME"

"$BIN/zimage" serve tls --ca-out "$WORK/ca.pem" --accept-key "$KEY" >"$WORK/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 100); do
    grep -q 'ZIMAGE_CONNECT_TO=' "$WORK/serve.log" 2>/dev/null && break
    kill -0 "$SERVER" 2>/dev/null || break
    sleep 0.1
done
ROUTES=$(sed -n 's/.*ZIMAGE_CONNECT_TO=//p' "$WORK/serve.log")
if [ -z "$ROUTES" ]; then
    echo "rehearse: the TLS simulator did not start:" >&2
    cat "$WORK/serve.log" >&2
    exit 1
fi
export ZIMAGE_CONNECT_TO=$ROUTES
sed -n '1,5p' "$WORK/serve.log"
echo

PASSED=0
FAILED=0
# step NAME COMMAND...: runs the command, its output indented, and counts it.
step() {
    local name=$1
    shift
    echo "== $name"
    echo "   \$ ${*/#$BIN\//}"
    if "$@" >"$WORK/step.log" 2>&1; then
        sed 's/^/   /' "$WORK/step.log"
        echo "   PASS $name"
        PASSED=$((PASSED + 1))
    else
        sed 's/^/   /' "$WORK/step.log"
        echo "   FAIL $name (exit $?)"
        FAILED=$((FAILED + 1))
    fi
    echo
}

# recorded_from_simulator DIR: every cassette under DIR says source: simulator, and none stored the marker header.
recorded_from_simulator() {
    local files live marker
    files=$(find "$1" -name '*.json' -not -path '*/bodies/*' | wc -l)
    live=$(find "$1" -name '*.json' -not -path '*/bodies/*' -exec grep -L '"source" : "simulator"' {} + | wc -l)
    marker=$(grep -ril 'x-cassette-source' "$1" | wc -l)
    echo "$files cassettes recorded, $live not marked source: simulator, $marker storing the X-Cassette-Source header"
    [ "$files" -gt 0 ] && [ "$live" -eq 0 ] && [ "$marker" -eq 0 ]
}

step "probe, both regions" "$BIN/zimage" probe --ca-file "$WORK/ca.pem"
step "generate, default region, no --base-url" \
    "$BIN/zimage" generate --ca-file "$WORK/ca.pem" --prompt "A lighthouse at dusk, rehearsal" --output "$WORK/lighthouse.png"
step "validate --live, both regions" \
    "$BIN/validate" --live --skip-compile --ca-file "$WORK/ca.pem" --output-dir "$WORK/validate" --junit "$WORK/validate/junit.xml"
# Recording under CI=true needs the documented permission; it is given here because the recording goes to a scratch folder.
for region in beijing singapore; do
    step "cassettes record --live --region $region" env ZIMAGE_ALLOW_RECORDING=1 \
        "$BIN/zimage" cassettes record --live --region "$region" --dir "$WORK/cassettes" --ca-file "$WORK/ca.pem"
done
step "cassettes check on what was recorded" "$BIN/zimage" cassettes check --dir "$WORK/cassettes"
step "recorded cassettes say source: simulator" recorded_from_simulator "$WORK/cassettes"

kill -INT "$SERVER"
wait "$SERVER" 2>/dev/null
SERVER=
echo "== the simulator's account of what reached it"
sed -n '/^Received/,$p' "$WORK/serve.log" | sed 's/^/   /'
IMAGE_AUTH=$(grep -E 'dashscope-result-[a-z]+\.oss-[a-z0-9-]+\.aliyuncs\.com: [0-9]+ requests, [1-9]' "$WORK/serve.log")
if [ -z "$IMAGE_AUTH" ] && grep -qE 'dashscope-result-bj[^:]*: [1-9]' "$WORK/serve.log"; then
    echo "   PASS no Authorization header reached an image host"
    PASSED=$((PASSED + 1))
else
    echo "   FAIL an image host saw Authorization, or no image was downloaded"
    FAILED=$((FAILED + 1))
fi
echo

cat <<EOF
What a real run does differently (everything else above is what it does):
  - names are resolved by DNS and connections go to DashScope, not to 127.0.0.1 (no ZIMAGE_CONNECT_TO);
  - certificates are verified against the system's CA store, not a throwaway CA (no --ca-file);
  - the key is yours (DASHSCOPE_API_KEY or ~/.alibabacloud/credentials); each generation is billed, including one per
    region in validate --live and one per generation scenario that cassettes record --live records;
  - answers take seconds, not milliseconds; cassettes recorded live say source: live.
EOF
echo
echo "rehearse: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
