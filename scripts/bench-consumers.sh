#!/usr/bin/env bash
# make bench (and make bench-consumers alone): what a user's build pays. Builds the two fixed consumer packages under
# Benchmarks/Consumers clean, alternately, RUNS times each (default 3), each in a fresh scratch folder under
# output/bench/consumers/ (dependencies resolved from the same mirror each time): App, a library on ZImage and ZImageCurl,
# with `swift build`; AppWithTests, the same library and a one-test target on ZImageTesting, with
# `swift build --build-tests`. Prints each time, both medians and their ratio, and writes output/bench/consumers.json.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${RUNS:-3}"
out=output/bench/consumers
mkdir -p "$out"
declare -A times=([App]="" [AppWithTests]="")
for run in $(seq 1 "$runs"); do
  for consumer in App AppWithTests; do
    scratch="$out/$consumer-scratch"
    rm -rf "$scratch"
    flags=()
    [ "$consumer" = AppWithTests ] && flags=(--build-tests)
    start=$(date +%s%N)
    if ! swift build --package-path "Benchmarks/Consumers/$consumer" --scratch-path "$scratch" "${flags[@]}" \
      > "$out/$consumer-$run.log" 2>&1; then
      echo "bench-consumers: $consumer did not build (see $out/$consumer-$run.log)" >&2
      tail -5 "$out/$consumer-$run.log" >&2
      exit 1
    fi
    elapsed=$(( $(date +%s%N) - start ))
    seconds="$((elapsed / 1000000000)).$(printf %03d $((elapsed / 1000000 % 1000)))"
    times[$consumer]+="$seconds "
    printf 'bench-consumers: run %d, %-12s %6.1f s clean\n' "$run" "$consumer" "$seconds"
  done
done
rm -rf "$out"/*-scratch
python3 - "$out/../consumers.json" "${times[App]}" "${times[AppWithTests]}" <<'PYTHON'
import json, statistics, sys
path, app, tests = sys.argv[1], [float(x) for x in sys.argv[2].split()], [float(x) for x in sys.argv[3].split()]
result = {"app_seconds": app, "app_with_tests_seconds": tests,
          "app_median": statistics.median(app), "app_with_tests_median": statistics.median(tests)}
result["ratio"] = result["app_with_tests_median"] / result["app_median"]
json.dump(result, open(path, "w"), indent=2)
print(f"bench-consumers: clean build medians: App {result['app_median']:.1f} s, AppWithTests "
      f"{result['app_with_tests_median']:.1f} s, ratio {result['ratio']:.2f} (target: at most 1.5)")
PYTHON
