#!/usr/bin/env bash
# `npm run up`: from a clean clone to the running app on http://localhost:3000.
# Idempotent: a second run reuses installed packages, running services, secrets and the build.
# `npm run up -- --api 2 --workers 2`: that many API and worker processes, behind a small proxy
# on :3000 (infra/scripts/serve.mjs; docs/architecture.md "Scale-out").
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/deps.sh"
cd "$ROOT"

ensure_node
ensure_npm_deps
bash infra/scripts/services.sh start
load_env_file "$SERVICES_FILE"
load_env_file "$SECRETS_FILE"
export ADMIN_EMAIL="${ADMIN_EMAIL:-admin@tradeloop.local}"
export ADMIN_PASSWORD="${ADMIN_PASSWORD:-admin-change-me}"

# Rebuild only when a source file is newer than the last build.
stamp="$STATE_DIR/build.stamp"
changed=""
if [ -f "$stamp" ]; then
  changed=$(find apps libs package-lock.json tsconfig.base.json -newer "$stamp" -type f \
    -not -path '*/dist/*' -not -path '*/node_modules/*' -not -name '*.tsbuildinfo' -not -path '*/test-results/*' -print -quit)
fi
if [ ! -f "$stamp" ] || [ -n "$changed" ] || [ ! -f apps/api/dist/main.js ] || [ ! -f apps/web/dist/index.html ]; then
  log "building"
  npm run --silent build
  touch "$stamp"
else
  log "build is up to date"
fi

node apps/api/dist/cli/migrate.js
node apps/api/dist/cli/seed.js

cat <<BANNER

  Tradeloop is starting on http://localhost:${PORT:-3000}
    admin:  $ADMIN_EMAIL / $( [ "$ADMIN_PASSWORD" = "admin-change-me" ] && echo "admin-change-me (demo default: set ADMIN_PASSWORD)" || echo "(from ADMIN_PASSWORD)")
    demo:   trader@tradeloop.local, quant@tradeloop.local, compliance@tradeloop.local / demo-password-1
    API docs: http://localhost:${PORT:-3000}/api/docs   metrics: /metrics   worker health: http://localhost:${WORKER_HEALTH_PORT:-3001}/health/ready
  Ctrl-C stops the app; Postgres and Redis keep running (npm run services:stop).

BANNER
exec node infra/scripts/serve.mjs "$@"
