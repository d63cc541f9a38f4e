#!/usr/bin/env bash
# Python tests: `bash ml/scripts/test.sh [pytest args…]`, e.g. --junitxml=report.xml (as npm test
# does) or -k walk_forward. Builds/refreshes ml/.venv first. Test paths are relative to ml/.
set -euo pipefail
ML_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ML_DIR/scripts/setup.sh"

# pytest runs from ml/ (its rootdir and config); keep a relative report path relative to the caller.
args=()
for a in "$@"; do
  case "$a" in
    --junitxml=/*|--junit-xml=/*) args+=("$a") ;;
    --junitxml=*|--junit-xml=*) args+=("${a%%=*}=$PWD/${a#*=}") ;;
    *) args+=("$a") ;;
  esac
done
cd "$ML_DIR"
exec "$ML_DIR/.venv/bin/python" -m pytest ${args[@]+"${args[@]}"}
