#!/usr/bin/env bash
# Install (if needed), then format check, lint, types and the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
. .venv/bin/activate
export HF_HUB_OFFLINE=1
ruff format --check .
ruff check .
mypy
python -m pytest "$@"
