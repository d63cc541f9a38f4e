#!/usr/bin/env bash
# `npm run bench -- <name>`: runs bench/<name>.bench.mjs against the local Postgres and Redis.
# Benchmarks are not tests: they print figures (and one JSON line), they do not pass or fail CI.
set -euo pipefail
source "$(dirname "$0")/../infra/scripts/lib.sh"
cd "$ROOT"
name="${1:-}"
if [ -z "$name" ] || [ ! -f "bench/$name.bench.mjs" ]; then
  echo "usage: npm run bench -- <name>   (available: $(ls bench/*.bench.mjs | xargs -n1 basename | sed 's/.bench.mjs//' | tr '\n' ' '))" >&2
  exit 2
fi
shift
bash infra/scripts/services.sh start >/dev/null
# The incremental build (cheap when dist is up to date), so a bench never measures stale code. Others
# may be mid-edit in this tree: a failed build is reported and the last good dist is benched.
if ! flock /tmp/tl-build.lock npx tsc -b tsconfig.build.json; then
  [ -f apps/api/dist/main.js ] || exit 1
  echo "bench: the build failed (above); benching the last built dist" >&2
fi
exec node infra/scripts/with-env.mjs node "bench/$name.bench.mjs" "$@"
