#!/usr/bin/env bash
# Create .venv and install SMART Match with everything its tests need (idempotent).
# torch is installed first and pinned: its CPU build is on these machines, while an
# unpinned torch would pull a multi-GB GPU build.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
. .venv/bin/activate
python -m pip install --quiet --upgrade pip
python -m pip install --quiet "torch==2.13.0"
python -m pip install --quiet -e ".[dev]"
