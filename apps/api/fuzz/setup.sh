#!/usr/bin/env bash
# Creates apps/api/fuzz/.venv (git-ignored) with the pinned Schemathesis, idempotently: rebuilt
# only when the pins, this script or the interpreter change (a stamp keeps their hash).
set -euo pipefail
FUZZ_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../../../infra/scripts/lib.sh
source "$FUZZ_DIR/../../../infra/scripts/lib.sh"   # log, die, apt_install
VENV="$FUZZ_DIR/.venv"
STAMP="$VENV/.tradeloop-stamp"

PY="$(command -v python3 || true)"
if [ -z "$PY" ]; then apt_install python3 python3-venv; PY="$(command -v python3 || true)"; fi
[ -n "$PY" ] || die "fuzz: python3 is required"
PY_ID="$("$PY" -c 'import sys; print(sys.version.split()[0], sys.executable)')"
WANT="$(cat "$FUZZ_DIR/requirements.txt" "$FUZZ_DIR/setup.sh" | sha256sum | cut -d' ' -f1) $PY_ID"

current() { [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$WANT" ] && "$VENV/bin/python" -c '' >/dev/null 2>&1; }
current && exit 0
if command -v flock >/dev/null; then exec 9>"$FUZZ_DIR/.venv.lock"; flock 9; fi
current && exit 0

log "fuzz: building apps/api/fuzz/.venv with $PY_ID and the pinned Schemathesis (cached afterwards)"
rm -rf "$VENV"
if ! "$PY" -m venv "$VENV" >/dev/null 2>&1; then
  rm -rf "$VENV"
  apt_install python3-venv
  "$PY" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input --only-binary=:all: -r "$FUZZ_DIR/requirements.txt"
echo "$WANT" > "$STAMP"
