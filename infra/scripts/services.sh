#!/usr/bin/env bash
# Starts (or stops) the local Postgres, Redis and SMTP sink used by `npm run up` and `npm test`.
# Each runs from Debian's packages on its own data dir under .local/ and its own loopback port,
# so it never clashes with a system-wide server. DATABASE_URL / REDIS_URL / SMTP_URL, when set, win:
# then the matching local server is neither started nor touched. The SMTP sink (infra/smtp) is a
# real SMTP server on loopback that stores each message under .local/smtp/mail (docs/alerts.md).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

PG_PORT="${TRADELOOP_PG_PORT:-54329}"
REDIS_PORT="${TRADELOOP_REDIS_PORT:-63799}"
PG_DIR="$STATE_DIR/pg"
PG_RUN="$STATE_DIR/run"
REDIS_DIR="$STATE_DIR/redis"
SMTP_PORT="${TRADELOOP_SMTP_PORT:-25259}"
SMTP_DIR="$STATE_DIR/smtp"

pg_bin() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  [ -n "$d" ] && [ -x "$d/initdb" ] && echo "$d"
}

# Postgres refuses to run as root: as root we run it as the `postgres` user the package creates.
pg_as() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_pg() {
  if [ -n "${DATABASE_URL:-}" ]; then log "DATABASE_URL is set: using it, not starting a local Postgres"; return; fi
  local bin; bin=$(pg_bin || true)
  if [ -z "$bin" ]; then apt_install postgresql; bin=$(pg_bin) || die "postgres install failed"; fi
  mkdir -p "$PG_RUN"
  if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$PG_RUN"; fi
  if [ ! -s "$PG_DIR/PG_VERSION" ]; then
    log "initialising Postgres in ${PG_DIR#$ROOT/}"
    mkdir -p "$PG_DIR"
    local pwfile; pwfile=$(mktemp)
    printf '%s\n' "$LOCAL_PG_PASSWORD" > "$pwfile"
    if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$PG_DIR" "$pwfile"; fi
    chmod 700 "$PG_DIR"
    pg_as "$bin/initdb" -D "$PG_DIR" -U tradeloop --pwfile="$pwfile" --auth=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
    rm -f "$pwfile"
    cat >> "$PG_DIR/postgresql.conf" <<CONF
# tradeloop local settings
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_RUN'
max_connections = 300
shared_buffers = 256MB
timezone = 'UTC'
log_timezone = 'UTC'
CONF
  fi
  if pg_as "$bin/pg_ctl" -D "$PG_DIR" status >/dev/null 2>&1; then
    log "Postgres already running on 127.0.0.1:$PG_PORT"
  else
    log "starting Postgres on 127.0.0.1:$PG_PORT"
    pg_as "$bin/pg_ctl" -D "$PG_DIR" -l "$PG_DIR/server.log" -w -t 60 start >/dev/null \
      || { tail -20 "$PG_DIR/server.log" >&2; die "Postgres did not start (log above)"; }
  fi
  PGPASSWORD="$LOCAL_PG_PASSWORD" psql -h 127.0.0.1 -p "$PG_PORT" -U tradeloop -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname='tradeloop'" | grep -q 1 \
    || PGPASSWORD="$LOCAL_PG_PASSWORD" psql -h 127.0.0.1 -p "$PG_PORT" -U tradeloop -d postgres -qc "CREATE DATABASE tradeloop" 
  LOCAL_DATABASE_URL="postgres://tradeloop:$LOCAL_PG_PASSWORD@127.0.0.1:$PG_PORT/tradeloop"
}

start_redis() {
  if [ -n "${REDIS_URL:-}" ]; then log "REDIS_URL is set: using it, not starting a local Redis"; return; fi
  command -v redis-server >/dev/null || apt_install redis-server
  mkdir -p "$REDIS_DIR"
  if redis-cli -p "$REDIS_PORT" -a "$LOCAL_REDIS_PASSWORD" --no-auth-warning ping 2>/dev/null | grep -q PONG; then
    log "Redis already running on 127.0.0.1:$REDIS_PORT"
  else
    log "starting Redis on 127.0.0.1:$REDIS_PORT"
    # noeviction + AOF: BullMQ's guidance; evicting queue keys silently loses jobs.
    redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$REDIS_DIR" --daemonize yes \
      --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log" \
      --appendonly yes --appendfsync everysec --maxmemory-policy noeviction \
      --requirepass "$LOCAL_REDIS_PASSWORD" --save ""
    for _ in $(seq 1 50); do
      redis-cli -p "$REDIS_PORT" -a "$LOCAL_REDIS_PASSWORD" --no-auth-warning ping 2>/dev/null | grep -q PONG && break
      sleep 0.1
    done
    redis-cli -p "$REDIS_PORT" -a "$LOCAL_REDIS_PASSWORD" --no-auth-warning ping | grep -q PONG || die "Redis did not start: see $REDIS_DIR/redis.log"
  fi
  LOCAL_REDIS_URL="redis://:$LOCAL_REDIS_PASSWORD@127.0.0.1:$REDIS_PORT/0"
}

smtp_up() { (exec 3<>"/dev/tcp/127.0.0.1/$SMTP_PORT") 2>/dev/null; }

start_smtp() {
  if [ -n "${SMTP_URL:-}" ]; then log "SMTP_URL is set: using it, not starting the local SMTP sink"; return; fi
  mkdir -p "$SMTP_DIR/mail"
  if [ -f "$SMTP_DIR/smtp.pid" ] && kill -0 "$(cat "$SMTP_DIR/smtp.pid")" 2>/dev/null && smtp_up; then
    log "SMTP sink already running on 127.0.0.1:$SMTP_PORT"
  else
    log "starting the SMTP sink on 127.0.0.1:$SMTP_PORT (mail in ${SMTP_DIR#$ROOT/}/mail)"
    nohup node "$ROOT/infra/smtp/smtp-sink.mjs" --port "$SMTP_PORT" --dir "$SMTP_DIR/mail" \
      --pidfile "$SMTP_DIR/smtp.pid" >"$SMTP_DIR/smtp.log" 2>&1 </dev/null &
    for _ in $(seq 1 50); do smtp_up && break; sleep 0.1; done
    smtp_up || die "the SMTP sink did not start: see $SMTP_DIR/smtp.log"
  fi
  LOCAL_SMTP_URL="smtp://127.0.0.1:$SMTP_PORT"
}

stop_all() {
  local bin; bin=$(pg_bin || true)
  if [ -n "$bin" ] && [ -s "$PG_DIR/PG_VERSION" ]; then pg_as "$bin/pg_ctl" -D "$PG_DIR" -m fast stop >/dev/null 2>&1 && log "Postgres stopped" || true; fi
  if [ -f "$REDIS_DIR/redis.pid" ]; then
    redis-cli -p "$REDIS_PORT" -a "$LOCAL_REDIS_PASSWORD" --no-auth-warning shutdown nosave >/dev/null 2>&1 && log "Redis stopped" || true
  fi
  if [ -f "$SMTP_DIR/smtp.pid" ]; then kill "$(cat "$SMTP_DIR/smtp.pid")" 2>/dev/null && log "SMTP sink stopped" || true; fi
}

ensure_secrets
load_env_file "$SECRETS_FILE"
case "${1:-start}" in
  start)
    start_pg
    start_redis
    start_smtp
    {
      echo "# Written by infra/scripts/services.sh on each start."
      [ -n "${LOCAL_DATABASE_URL:-}" ] && echo "DATABASE_URL=$LOCAL_DATABASE_URL"
      [ -n "${LOCAL_REDIS_URL:-}" ] && echo "REDIS_URL=$LOCAL_REDIS_URL"
      [ -n "${LOCAL_SMTP_URL:-}" ] && echo "SMTP_URL=$LOCAL_SMTP_URL"
    } > "$SERVICES_FILE"
    ;;
  stop) stop_all ;;
  *) die "usage: services.sh start|stop" ;;
esac
