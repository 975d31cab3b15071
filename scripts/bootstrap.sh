#!/usr/bin/env bash
# Installs the system libraries the package links against, when pkg-config cannot find them: libcurl
# (libcurl4-openssl-dev), zlib (zlib1g-dev) and libcrypto (libssl-dev); with ZIMAGE_BROWSER_TESTS=1 also Debian's
# Chromium, for the test that loads report.html in a real browser (without it, that test is skipped and says why); with
# ZIMAGE_WORKFLOW_LINT=1 Python's venv module, for the workflow lint. Idempotent and silent when nothing is missing.
set -euo pipefail

missing=()
if ! command -v pkg-config >/dev/null 2>&1; then
  missing+=(pkg-config libcurl4-openssl-dev zlib1g-dev libssl-dev)
else
  pkg-config --exists libcurl || missing+=(libcurl4-openssl-dev)
  pkg-config --exists zlib || missing+=(zlib1g-dev)
  pkg-config --exists libcrypto || missing+=(libssl-dev)
fi
if [ "${ZIMAGE_BROWSER_TESTS:-}" = "1" ] && ! command -v chromium >/dev/null 2>&1; then
  missing+=(chromium)
fi
# The workflow lint's virtual environment needs Python's venv module (Debian packages it apart).
if [ "${ZIMAGE_WORKFLOW_LINT:-}" = "1" ] && ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
  missing+=(python3-venv)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  run=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  run=(sudo -n)
else
  echo "bootstrap: missing ${missing[*]}; install them with:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi

echo "bootstrap: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${run[@]}" apt-get update -qq >/dev/null
"${run[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
pkg-config --exists libcurl zlib || { echo "bootstrap: libcurl or zlib still not found by pkg-config after installing" >&2; exit 1; }
if [ "${ZIMAGE_BROWSER_TESTS:-}" = "1" ]; then
  command -v chromium >/dev/null 2>&1 || { echo "bootstrap: chromium still not found after installing" >&2; exit 1; }
fi
