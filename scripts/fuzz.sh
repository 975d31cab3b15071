#!/usr/bin/env bash
# make fuzz: builds the fuzz targets with libFuzzer and AddressSanitizer in .build-fuzz, seeds each target's corpus from
# the committed cassettes and ../shared/testdata, and runs each target for SECONDS (default 60). Not part of CI.
# Findings (crash-*, leak-*, timeout-*) go to output/fuzz/findings/; logs with the final stats to output/fuzz/<target>.log.
# Reproduce a finding with the plain build: swift build --product zimage-fuzz && .build/debug/zimage-fuzz TARGET FILE
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${SECONDS_PER_TARGET:-${SECONDS:-60}}"
targets=(${TARGETS:-json cassette success error png credentials request pipeline redirect})
out=output/fuzz
shared=../shared/testdata
mkdir -p "$out/findings" "$out/seeds"

swift build --product zimage-fuzz --scratch-path .build-fuzz -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING \
  -Xlinker -z -Xlinker muldefs 2>&1 | grep -v "Cannot export local symbol" | tail -1
binary=.build-fuzz/debug/zimage-fuzz

# Seeds: what each parser meets in real use, and the public corpora where ../shared is present.
python3 - "$out/seeds" "$shared" <<'PYTHON'
import glob, json, os, shutil, sys
seeds, shared = sys.argv[1], sys.argv[2]
def put(target, name, data):
    folder = os.path.join(seeds, target); os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f: f.write(data if isinstance(data, bytes) else data.encode())
for path in sorted(glob.glob("cassettes/*/*.json")):
    name = path.replace("/", "_")
    raw = open(path, "rb").read()
    put("cassette", name, raw); put("json", name, raw); put("pipeline", name, raw)
    for index, item in enumerate(json.loads(raw)["interactions"]):
        for side in ("request", "response"):
            body = item[side].get("body", {})
            if "json" in body:
                text = json.dumps(body["json"])
                put("json", f"{name}-{index}-{side}", text)
                put("request" if side == "request" else ("error" if item["response"]["status"] >= 400 else "success"),
                    f"{name}-{index}", text)
for path in glob.glob("cassettes/*/bodies/*.png"):
    put("png", os.path.basename(path), open(path, "rb").read())
if os.path.isdir(f"{shared}/JSONTestSuite/test_parsing"):
    for path in glob.glob(f"{shared}/JSONTestSuite/test_parsing/*.json"):
        put("json", os.path.basename(path), open(path, "rb").read())
if os.path.isdir(f"{shared}/PngSuite/png"):
    for path in glob.glob(f"{shared}/PngSuite/png/*.png"):
        put("png", os.path.basename(path), open(path, "rb").read())
put("credentials", "profiles", "[default]\ntype = access_key\ndashscope_api_key = sk-test-0000\n\n[work]\nDashScope_API_Key: 'sk-test-1111'\n; comment\n# comment\n")
put("credentials", "malformed", "dashscope_api_key = before\n[broken\n[ok]\nno separator\n = empty name\n")
put("credentials", "oversized", b"\xff[default]\ndashscope_api_key = sk-test-2222\n")
# redirect: byte 0 picks the status, byte 1 the body's repeats, then Location NUL header lines NUL body.
put("redirect", "relative", b"\x01\x00/next\x00X-Seen: 1\x00moved")
put("redirect", "long-body", b"\x01\xff/next\x00Connection: keep-alive\r\nContent-Length: 40960\x00" + b"A" * 160)
put("redirect", "other-host", b"\x04\x00http://images.example:8080/a.png?Expires=1&Signature=x\x00\x00")
put("redirect", "to-https", b"\x00\x00https://images.example/a.png\x00\x00")
put("redirect", "to-file", b"\x01\x00file:///etc/passwd\x00\x00")
put("redirect", "chunked", b"\x07\x00\x00Transfer-Encoding: chunked\x00" + b"5\r\nhello\r\n0\r\n\r\n")
put("request", "skill", '{"prompt":"A calm lake","size":"1024*1024","seed":7,"prompt_extend":true,"base_url":"https://x.example/y"}')
PYTHON

echo "fuzzing ${targets[*]} for ${seconds}s each"
for target in "${targets[@]}"; do
  mkdir -p "$out/corpus/$target" "$out/seeds/$target"
  set +e
  ZIMAGE_FUZZ_TARGET="$target" SWIFT_BACKTRACE=enable=no "$binary" "$out/corpus/$target" "$out/seeds/$target" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -max_len=65536 -print_final_stats=1 \
    -artifact_prefix="$out/findings/$target-" > "$out/$target.log" 2>&1
  status=$?
  set -e
  runs=$(grep -E '^stat::number_of_executed_units' "$out/$target.log" | awk '{print $2}')
  cov=$(grep -oE 'cov: [0-9]+' "$out/$target.log" | tail -1)
  echo "$target: exit $status, ${runs:-?} runs, ${cov:-no coverage line}, corpus $(ls "$out/corpus/$target" | wc -l) files"
done
findings=$(ls "$out/findings" | wc -l)
echo "findings: $findings (in $out/findings)"
[ "$findings" -eq 0 ]
