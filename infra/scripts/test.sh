#!/usr/bin/env bash
# `npm test`: everything, against real Postgres and Redis and a real Chromium.
#   lint → type check (+ build) → unit → integration → schema fuzzer → Python → browser
# Fails fast; the last line sums every runner's results as "tests: N passed, N failed".
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/deps.sh"
cd "$ROOT"
export TZ=UTC NX_DAEMON=false NX_NO_CLOUD=true

REPORTS="$STATE_DIR/test-reports"
rm -rf "$REPORTS" && mkdir -p "$REPORTS"
step() { printf '\n\033[1;36m== %s ==\033[0m\n' "$*"; }

ensure_node
ensure_npm_deps
command -v chromium >/dev/null || apt_install chromium
bash infra/scripts/services.sh start
load_env_file "$SERVICES_FILE"
load_env_file "$SECRETS_FILE"

step "lint (eslint + Nx module boundaries)"
npm run --silent lint

step "docker-compose.yml (docker compose config)"
bash infra/scripts/check-compose.sh

step "type check and build"
npx tsc -b tsconfig.build.json
npx tsc -p apps/web/tsconfig.json --noEmit
npx tsc -p tsconfig.spec.json --noEmit
npm run --silent build -w @tradeloop/web

step "unit tests"
npx vitest run --project unit --reporter=default --reporter=json --outputFile.json="$REPORTS/unit.json"

step "integration tests (real Postgres + Redis)"
npx vitest run --project int --reporter=default --reporter=json --outputFile.json="$REPORTS/int.json"

step "schema fuzzer (Schemathesis against the built API, four roles)"
bash apps/api/fuzz/setup.sh
node apps/api/fuzz/run.mjs --report-dir "$REPORTS"

step "Python tests"
if [ -f ml/pyproject.toml ]; then
  bash ml/scripts/test.sh --junitxml="$REPORTS/python.xml"
else
  echo "no ml/ package yet: nothing to run"
fi

step "browser tests (headless Chromium)"
npx playwright test -c apps/web-e2e/playwright.config.ts

node infra/scripts/test-summary.mjs "$REPORTS"
