#!/usr/bin/env bash
# Creates ml/.venv (git-ignored) and installs the pinned requirements into it, idempotently.
# The venv is rebuilt from scratch only when the pins, this script or the interpreter change
# (a sha256 of them is kept in ml/.venv/.tradeloop-stamp); otherwise this is a no-op that prints
# nothing. Called by ml/scripts/test.sh and ml/scripts/train.sh; safe to run concurrently.
set -euo pipefail
ML_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=../../infra/scripts/lib.sh
source "$ML_DIR/../infra/scripts/lib.sh"   # log, die, apt_install
VENV="$ML_DIR/.venv"
STAMP="$VENV/.tradeloop-stamp"
MIN_PY="3.11"

py_ok() { # new enough, with the venv module
  command -v "$1" >/dev/null 2>&1 &&
    "$1" -c "import sys, venv; sys.exit(0 if sys.version_info >= tuple(map(int, '$MIN_PY'.split('.'))) else 1)" >/dev/null 2>&1
}

pick_python() {
  local c
  for c in ${TRADELOOP_PYTHON:-} python3 python3.13 python3.12 python3.11; do
    if py_ok "$c"; then command -v "$c"; return 0; fi
  done
  return 1
}

PY="$(pick_python || true)"
if [ -z "$PY" ]; then
  # A fresh Debian/Ubuntu machine: python3 may be missing.
  apt_install python3 python3-venv
  PY="$(pick_python || true)"
  [ -n "$PY" ] || die "ml: need Python >= $MIN_PY with the venv module (set TRADELOOP_PYTHON to one)"
fi

PY_ID="$("$PY" -c 'import sys; print(sys.version.split()[0], sys.executable)')"
WANT="$(cat "$ML_DIR/requirements.txt" "$ML_DIR/requirements-dev.txt" "$ML_DIR/scripts/setup.sh" | sha256sum | cut -d' ' -f1) $PY_ID"

current() { [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$WANT" ] && "$VENV/bin/python" -c '' >/dev/null 2>&1; }
current && exit 0

# One builder at a time (npm test and a training run may start together).
if command -v flock >/dev/null; then exec 9>"$ML_DIR/.venv.lock"; flock 9; fi
current && exit 0

log "ml: building ml/.venv with $PY_ID and the pinned requirements (cached afterwards)"
rm -rf "$VENV"
if ! "$PY" -m venv "$VENV" >/dev/null 2>&1; then
  # Debian's system Python ships venv without ensurepip/pip until python3-venv is installed.
  rm -rf "$VENV"
  apt_install python3-venv
  "$PY" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
  --only-binary=:all: -r "$ML_DIR/requirements-dev.txt"
echo "$WANT" > "$STAMP"
