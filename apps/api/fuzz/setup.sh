#!/usr/bin/env bash
# Creates apps/api/fuzz/.venv (git-ignored) with the pinned Schemathesis, idempotently
# (infra/scripts/venv.sh: rebuilt only when the pins, the scripts or the interpreter change).
set -euo pipefail
FUZZ_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../../../infra/scripts/lib.sh
source "$FUZZ_DIR/../../../infra/scripts/lib.sh"   # log, die, apt_install
# shellcheck source=../../../infra/scripts/venv.sh
source "$FUZZ_DIR/../../../infra/scripts/venv.sh"
ensure_venv "$FUZZ_DIR/.venv" fuzz "$FUZZ_DIR/requirements.txt"
