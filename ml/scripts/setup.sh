#!/usr/bin/env bash
# Creates ml/.venv (git-ignored) and installs the pinned requirements into it, idempotently
# (infra/scripts/venv.sh: rebuilt only when the pins, the scripts or the interpreter change).
# Called by ml/scripts/test.sh and ml/scripts/train.sh; safe to run concurrently.
set -euo pipefail
ML_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=../../infra/scripts/lib.sh
source "$ML_DIR/../infra/scripts/lib.sh"   # log, die, apt_install
# shellcheck source=../../infra/scripts/venv.sh
source "$ML_DIR/../infra/scripts/venv.sh"
ensure_venv "$ML_DIR/.venv" ml "$ML_DIR/requirements.txt" "$ML_DIR/requirements-dev.txt"
