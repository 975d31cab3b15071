#!/usr/bin/env bash
# openapi-core, a validator nobody here wrote, holds every recorded answer to docs/openapi.yaml: each interaction of
# every committed cassette (the contract suite's, the example's, the harness tests'), requests and answers with their
# bodies, and a spread of `zimage serve simulate` answers, good and bad (scripts/openapi-core-check.py says which).
# Usage: scripts/openapi-core.sh ZIMAGE_BINARY
# The validator lives in a virtual environment under .build-lint/ (ignored by git), installed from PyPI on first use.
set -euo pipefail
cd "$(dirname "$0")/.."
zimage=${1:?usage: scripts/openapi-core.sh ZIMAGE_BINARY}

venv=.build-lint/openapi-core
if ! "$venv/bin/python" -c "import openapi_core" 2>/dev/null; then
  echo "openapi-core: installing openapi-core into $venv (PyPI)" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check openapi-core==0.23.1
fi

# shellcheck source=scripts/lib/simulator.sh
. scripts/lib/simulator.sh
key="sk-test-openapi-core-$$"
start_simulator "$zimage" "$key"
"$venv/bin/python" scripts/openapi-core-check.py docs/openapi.yaml \
  cassettes Examples/PosterApp/Tests/PosterAppTests/Cassettes Tests/ZImageTestingTests/Cassettes \
  --simulator "$simulator_url" --key "$key"
