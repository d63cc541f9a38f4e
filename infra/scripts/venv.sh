#!/usr/bin/env bash
# ensure_venv DIR LABEL REQUIREMENTS… — creates the repo-local virtualenv DIR (git-ignored) and
# installs the pinned REQUIREMENTS files into it (wheels only), idempotently: rebuilt from scratch
# only when the pins, the calling script or the interpreter change (a sha256 of them is kept in
# DIR/.tradeloop-stamp); otherwise a no-op that prints nothing. Safe to run concurrently.
# Sourced after lib.sh (log, die, apt_install). Used by ml/scripts/setup.sh and apps/api/fuzz/setup.sh.
VENV_MIN_PY="3.11"

venv_py_ok() { # new enough, with the venv module
  command -v "$1" >/dev/null 2>&1 &&
    "$1" -c "import sys, venv; sys.exit(0 if sys.version_info >= tuple(map(int, '$VENV_MIN_PY'.split('.'))) else 1)" >/dev/null 2>&1
}

venv_pick_python() {
  local c
  for c in ${TRADELOOP_PYTHON:-} python3 python3.13 python3.12 python3.11; do
    if venv_py_ok "$c"; then command -v "$c"; return 0; fi
  done
  return 1
}

ensure_venv() {
  local venv="$1" label="$2"; shift 2
  local stamp="$venv/.tradeloop-stamp" py py_id want
  py="$(venv_pick_python || true)"
  if [ -z "$py" ]; then
    # A fresh Debian/Ubuntu machine: python3 may be missing.
    apt_install python3 python3-venv
    py="$(venv_pick_python || true)"
    [ -n "$py" ] || die "$label: need Python >= $VENV_MIN_PY with the venv module (set TRADELOOP_PYTHON to one)"
  fi
  py_id="$("$py" -c 'import sys; print(sys.version.split()[0], sys.executable)')"
  want="$(cat "$@" "${BASH_SOURCE[1]}" "${BASH_SOURCE[0]}" | sha256sum | cut -d' ' -f1) $py_id"
  venv_current() { [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && "$venv/bin/python" -c '' >/dev/null 2>&1; }
  venv_current && return 0
  # One builder at a time (npm test and a training run may start together).
  if command -v flock >/dev/null; then exec 9>"$venv.lock"; flock 9; fi
  venv_current && return 0

  log "$label: building ${venv#"$ROOT"/} with $py_id and the pinned requirements (cached afterwards)"
  rm -rf "$venv"
  if ! "$py" -m venv "$venv" >/dev/null 2>&1; then
    # Debian's system Python ships venv without ensurepip/pip until python3-venv is installed.
    rm -rf "$venv"
    apt_install python3-venv
    "$py" -m venv "$venv"
  fi
  local req=()
  for f in "$@"; do req+=(-r "$f"); done
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input --only-binary=:all: "${req[@]}"
  echo "$want" > "$stamp"
}
