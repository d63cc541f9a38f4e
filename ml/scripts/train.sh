#!/usr/bin/env bash
# `npm run ml:train -- --dataset data.arrow --name NAME --version V [options]` (see ml/README.md).
# Builds/refreshes ml/.venv, then runs `python -m tradeloop_ml.train`. Relative paths are taken
# from the directory npm was started in; --out defaults to <repo>/models/<name>/<version>/.
set -euo pipefail
ML_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROOT="$(cd "$ML_DIR/.." && pwd)"
bash "$ML_DIR/scripts/setup.sh"
cd "${INIT_CWD:-$PWD}"
export TRADELOOP_MODELS_DIR="${TRADELOOP_MODELS_DIR:-$ROOT/models}"
export PYTHONPATH="$ML_DIR/src${PYTHONPATH:+:$PYTHONPATH}"
exec "$ML_DIR/.venv/bin/python" -m tradeloop_ml.train "$@"
