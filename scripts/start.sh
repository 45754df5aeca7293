#!/usr/bin/env bash
# Install (if needed), load the fictional demo network (first run only) and serve the API;
# it prints the URL of the web pages and of the API's interactive docs. The first run also encodes ESCO skills (minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
. .venv/bin/activate
export HF_HUB_OFFLINE=1
smartmatch serve --demo "$@"
