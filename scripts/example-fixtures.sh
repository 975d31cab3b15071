#!/usr/bin/env bash
# make example, second half: the failure fixtures (Tests/ExampleFailureFixtures, a package of their own beside no user's
# run) are XCTest tests that MUST fail. Builds them, runs them through the built test binary and checks that each
# failed, at its withCassette line, with the harness's report. Prints "N passed, N failed" for the checks.
set -uo pipefail
cd "$(dirname "$0")/.."
package=Tests/ExampleFailureFixtures
swift build --build-tests --package-path "$package" 2>&1 | tail -1
binary="$(swift build --package-path "$package" --show-bin-path)/ExampleFailureFixturesPackageTests.xctest"
fixtures="$package/Tests/FailureFixtures/FailureFixtures.swift"
output=$("$binary" FailureFixtures.FailureFixtures 2>&1)
status=$?
passed=0
failed=0
check() {  # check DESCRIPTION CONDITION...
  local what=$1
  shift
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: $what" >&2
  fi
}
contains() { grep -qF -- "$1" <<<"$output"; }
check "the fixture run fails (exit $status)" test "$status" -ne 0
check "every fixture fails" contains "Executed 4 tests, with"
check "no fixture passes" bash -c '! grep -q "passed (" <<<"$0"' "$output"
check "a miss the code caught fails the XCTest at its withCassette line" \
  contains "$fixtures:13: error: FailureFixtures.testACaughtMissFails : failed - The cassette has no answer for a request the test made."
check "an unused interaction fails the XCTest at its withCassette line" \
  contains "$fixtures:20: error: FailureFixtures.testAnUnusedInteractionFails : failed - The test never requested 2 recorded interactions"
check "a recording refused in CI fails the XCTest at its withCassette line" \
  contains "$fixtures:25: error: FailureFixtures.testARecordingRefusedInCIFailsAtItsLine : failed - Refused to record"
check "the unused report advises withCassette's syntax in an XCTest" \
  contains 'or allow unused interactions (withCassette("harbour", allowUnused: true) { client in … })'
check "no false 'host application' warning" bash -c '! grep -q "host application" <<<"$0"' "$output"
if [ "$failed" -ne 0 ]; then
  echo "$output" >&2
fi
echo "example fixtures: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
