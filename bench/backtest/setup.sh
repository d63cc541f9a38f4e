#!/usr/bin/env bash
# Creates bench/backtest/.venv (git-ignored) with the pinned backtrader, idempotently
# (infra/scripts/venv.sh: rebuilt only when the pins, the scripts or the interpreter change).
# Called by the backtest bench and the backtrader int test; safe to run concurrently.
set -euo pipefail
BT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../../infra/scripts/lib.sh
source "$BT_DIR/../../infra/scripts/lib.sh"   # log, die, apt_install
# shellcheck source=../../infra/scripts/venv.sh
source "$BT_DIR/../../infra/scripts/venv.sh"
ensure_venv "$BT_DIR/.venv" backtrader "$BT_DIR/requirements.txt"
