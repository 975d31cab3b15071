#!/usr/bin/env bash
# schemathesis, a tool nobody here wrote, tests the simulator against docs/openapi.yaml:
#   1. openapi-spec-validator: the document is valid OpenAPI 3.1;
#   2. `zimage serve simulate` on a free loopback port, with a test key;
#   3. schemathesis run with every check it has (scripts/schemathesis/schemathesis.toml): valid requests accepted,
#      invalid ones refused with a documented status, every answer conforming to its schema and content type, no 5xx,
#      405 for methods the document does not list, 401 without the key.
# Usage: scripts/schemathesis.sh ZIMAGE_BINARY [schemathesis run options, e.g. --seed 7 --max-examples 500]
# The tools live in a virtual environment under .build-lint/ (ignored by git), installed from PyPI on first use.
set -euo pipefail
cd "$(dirname "$0")/.."
zimage=${1:?usage: scripts/schemathesis.sh ZIMAGE_BINARY [schemathesis options]}
shift

venv=.build-lint/schemathesis
if [ ! -x "$venv/bin/schemathesis" ] || [ ! -x "$venv/bin/openapi-spec-validator" ]; then
  echo "schemathesis: installing schemathesis and openapi-spec-validator into $venv (PyPI)" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check schemathesis==4.32.5 openapi-spec-validator==0.9.0
fi

"$venv/bin/openapi-spec-validator" docs/openapi.yaml

# shellcheck source=scripts/lib/simulator.sh
. scripts/lib/simulator.sh
key="sk-test-schemathesis-$$"
start_simulator "$zimage" "$key"
url=$simulator_url
echo "schemathesis: against the simulator at $url" >&2

ZIMAGE_SIMULATOR_URL="$url" ZIMAGE_SCHEMATHESIS_KEY="$key" \
  "$venv/bin/schemathesis" --config-file scripts/schemathesis/schemathesis.toml \
  run docs/openapi.yaml --checks all --no-color "$@"
