#!/usr/bin/env bash
# Installs npm dependencies when they are missing or older than the lockfile. Sourced by up/test.
ensure_node() {
  command -v node >/dev/null || die "Node.js is required (>= 20.19)"
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' \
    || die "Node.js >= 20.19 is required (found $(node --version))"
}

ensure_npm_deps() {
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    log "installing npm dependencies"
    # `npm install`, not `npm ci`: the registry mirror of these machines does not serve every
    # other-platform optional binary (e.g. @swc/core-darwin-*), so the lockfile cannot list them
    # and `npm ci` refuses it as out of sync. With the lockfile present, install still pins
    # every version it lists.
    npm install --no-audit --no-fund --loglevel=error
  fi
}
