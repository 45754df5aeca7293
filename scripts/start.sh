#!/usr/bin/env bash
# Install (if needed), load the fictional demo network and show explained matches.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
. .venv/bin/activate
export HF_HUB_OFFLINE=1
smartmatch demo "$@"
