#!/usr/bin/env bash
# Validates docker-compose.yml with the real `docker compose config` (Compose v2). These
# machines have the docker CLI but no Compose plugin and no engine; `config` needs neither an
# engine nor images, so when the plugin is missing we build it once from its Go module into
# ~/.docker/cli-plugins (a few minutes, then cached).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
COMPOSE_VERSION=v2.29.7
if ! docker compose version >/dev/null 2>&1; then
  if ! command -v docker >/dev/null; then
    log "no docker CLI on this machine: compose file not validated"
    exit 0
  fi
  command -v go >/dev/null || { log "no docker compose plugin and no Go toolchain: compose file not validated"; exit 0; }
  log "installing the docker compose plugin $COMPOSE_VERSION (go install, one-time)"
  tmp=$(mktemp -d)
  GOBIN="$tmp" GOFLAGS=-mod=mod go install "github.com/docker/compose/v2/cmd@$COMPOSE_VERSION"
  mkdir -p "$HOME/.docker/cli-plugins"
  mv "$tmp/cmd" "$HOME/.docker/cli-plugins/docker-compose"
  rm -rf "$tmp"
fi
docker compose -f docker-compose.yml config --quiet
echo "docker-compose.yml is valid ($(docker compose version --short 2>/dev/null || echo compose))"
