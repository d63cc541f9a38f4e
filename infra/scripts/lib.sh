#!/usr/bin/env bash
# Shared helpers for the local scripts (sourced, never executed on their own).
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STATE_DIR="${TRADELOOP_STATE_DIR:-$ROOT/.local}"
SECRETS_FILE="$STATE_DIR/secrets.env"
SERVICES_FILE="$STATE_DIR/services.env"

log() { printf '\033[36m[tradeloop]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[31m[tradeloop] %s\033[0m\n' "$*" >&2; exit 1; }

# Run a command as root when we are not root (developer laptops); as is when we are (CI, sandboxes).
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else die "need root for: $*"; fi
}

APT_UPDATED=""
apt_install() {
  command -v apt-get >/dev/null || die "apt-get not found: install $* yourself, or set DATABASE_URL / REDIS_URL"
  if [ -z "$APT_UPDATED" ]; then as_root apt-get update -qq >/dev/null; APT_UPDATED=1; fi
  log "installing Debian packages: $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# Generates local secrets once; later runs reuse them so sessions and MFA secrets stay valid.
ensure_secrets() {
  mkdir -p "$STATE_DIR"
  if [ ! -f "$SECRETS_FILE" ]; then
    log "generating local secrets into ${SECRETS_FILE#$ROOT/}"
    umask 077
    {
      echo "# Generated once by infra/scripts; never commit. Delete to rotate (logs everyone out)."
      echo "JWT_ACCESS_SECRET=$(node -e 'process.stdout.write(require("crypto").randomBytes(48).toString("base64url"))')"
      echo "MFA_ENCRYPTION_KEY=$(node -e 'process.stdout.write(require("crypto").randomBytes(32).toString("base64"))')"
      echo "LOCAL_PG_PASSWORD=$(node -e 'process.stdout.write(require("crypto").randomBytes(18).toString("hex"))')"
      echo "LOCAL_REDIS_PASSWORD=$(node -e 'process.stdout.write(require("crypto").randomBytes(18).toString("hex"))')"
    } > "$SECRETS_FILE"
  fi
  # Secrets added after the file was first generated are appended once (the rest stay as they are).
  if ! grep -q '^BROKER_CREDENTIALS_KEYS=' "$SECRETS_FILE"; then
    log "adding BROKER_CREDENTIALS_KEYS to ${SECRETS_FILE#$ROOT/}"
    echo "BROKER_CREDENTIALS_KEYS=local1:$(node -e 'process.stdout.write(require("crypto").randomBytes(32).toString("base64"))')" >> "$SECRETS_FILE"
  fi
}

# Exports every KEY=value of a file unless the variable is already set in the environment.
load_env_file() {
  [ -f "$1" ] || return 0
  while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in ''|'#'*) continue ;; esac
    key="${line%%=*}"; val="${line#*=}"
    if [ -z "${!key+x}" ]; then export "$key=$val"; fi
  done < "$1"
}
