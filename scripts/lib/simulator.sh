# Sourced by the scripts that test the simulator with tools nobody here wrote (schemathesis.sh, openapi-core.sh).
# start_simulator ZIMAGE_BINARY KEY: starts `zimage serve simulate` on a free loopback port accepting KEY, proxies
# bypassed; sets simulator_url and simulator_pid, and stops it when the calling script exits.
start_simulator() {
  local zimage=$1 key=$2
  unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy
  export NO_PROXY=127.0.0.1 no_proxy=127.0.0.1
  simulator_log=$(mktemp)
  "$zimage" serve simulate --host 127.0.0.1 --port 0 --accept-key "$key" >"$simulator_log" 2>&1 &
  simulator_pid=$!
  trap 'kill "$simulator_pid" 2>/dev/null || true; wait "$simulator_pid" 2>/dev/null || true; rm -f "$simulator_log"' EXIT
  simulator_url=
  for _ in $(seq 1 100); do
    simulator_url=$(sed -n 's/^Simulating DashScope ([A-Za-z]*) at \(http:\/\/127\.0\.0\.1:[0-9]*\)$/\1/p' "$simulator_log")
    [ -n "$simulator_url" ] && return 0
    kill -0 "$simulator_pid" 2>/dev/null || { cat "$simulator_log" >&2; echo "the simulator did not start" >&2; exit 1; }
    sleep 0.1
  done
  cat "$simulator_log" >&2
  echo "no address from the simulator in 10 s" >&2
  exit 1
}
