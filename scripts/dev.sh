#!/usr/bin/env bash
# Runs the whole system on embedded defaults: installs what is missing, runs the doctor's
# pre-start checks, starts the embedded PostgreSQL (unless DATABASE_URL is set or a server answers
# on 127.0.0.1:$PGPORT) and the Temporal dev server (unless TEMPORAL_ADDRESS is set), creates and
# migrates the database, starts worker and API. Foreground by default (Ctrl-C stops all of it);
# `--detach` leaves everything running in the background and `bash scripts/dev-stop.sh` stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/common.sh

detach=false
export DATA_DIR="${DATA_DIR:-$PWD/.data}"  # git-ignored: Temporal's SQLite file, logs, pid files
[ "${1:-}" = "--detach" ] && detach=true

ensure_node_modules
ensure_prisma_client
mkdir -p "$DATA_DIR/logs" "$DATA_DIR/run"
# A second `npm run dev` replaces the API and worker of the first instead of failing on the port.
stop_pid_file "$DATA_DIR/run/api.pid" "api/main.ts" "the API of an earlier run" >&2
stop_pid_file "$DATA_DIR/run/worker.pid" "worker/main.ts" "the worker of an earlier run" >&2
ensure_dev_encryption

api_port="${API_PORT:-3000}"
api_browser_host="${API_HOST:-127.0.0.1}"
[ "$api_browser_host" = "0.0.0.0" ] && api_browser_host=127.0.0.1
ui_port="${TEMPORAL_UI_PORT:-8233}"
# The Web UI decodes payloads through the API's codec server; it cannot send a header, so the
# endpoint carries the codec token in its path (README "Encryption of payloads").
export CODEC_CORS_ORIGINS="${CODEC_CORS_ORIGINS:-http://127.0.0.1:${ui_port},http://localhost:${ui_port}}"
export TEMPORAL_UI_CODEC_ENDPOINT="${TEMPORAL_UI_CODEC_ENDPOINT:-http://${api_browser_host}:${api_port}/codec/${CODEC_SERVER_TOKEN}}"
log "Checking the machine (npm run doctor -- --before-start)"
node_modules/.bin/tsx scripts/doctor.ts --before-start || die "the doctor found problems (above); fix them and run npm run dev again."
ensure_dev_postgres

export TEMPORAL_NAMESPACE="${TEMPORAL_NAMESPACE:-default}"
if [ -z "${TEMPORAL_ADDRESS:-}" ]; then
  log "Starting the Temporal dev server"
  bash scripts/start-temporal.sh
  export TEMPORAL_ADDRESS="127.0.0.1:${TEMPORAL_PORT:-7233}"
  temporal_ui="http://127.0.0.1:${TEMPORAL_UI_PORT:-8233}"
else
  log "Using the Temporal server at $TEMPORAL_ADDRESS"
  node_modules/.bin/tsx scripts/register-search-attributes.ts
  temporal_ui="(the UI of your Temporal server)"
fi

log "Creating and migrating the database"
node_modules/.bin/tsx scripts/migrate.ts

require_free_port "$api_port" "the API" API_PORT
log "Starting the worker and the API (logs in $DATA_DIR/logs)"
node_modules/.bin/tsx --max-old-space-size=256 worker/main.ts >>"$DATA_DIR/logs/worker.log" 2>&1 &
echo $! >"$DATA_DIR/run/worker.pid"
node_modules/.bin/tsx api/main.ts >>"$DATA_DIR/logs/api.log" 2>&1 &
echo $! >"$DATA_DIR/run/api.pid"

stop_children() {
  stop_pid_file "$DATA_DIR/run/api.pid" "api/main.ts" "the API"
  stop_pid_file "$DATA_DIR/run/worker.pid" "worker/main.ts" "the worker"
}

# Waits for the API's health route; an API or worker that exits meanwhile is reported at once.
api_pid="$(cat "$DATA_DIR/run/api.pid")" worker_pid="$(cat "$DATA_DIR/run/worker.pid")"
status=0
wait_while_alive "$api_pid $worker_pid" 60 http_ok "http://${API_HOST:-127.0.0.1}:${api_port}/health" || status=$?
if [ "$status" -ne 0 ]; then
  if kill -0 "$worker_pid" 2>/dev/null; then failed=api; else failed=worker; fi
  tail -n 30 "$DATA_DIR/logs/$failed.log" >&2 || true
  stop_children
  if [ "$failed" = worker ]; then die "the worker exited while starting; see $DATA_DIR/logs/worker.log"; fi
  [ "$status" -eq 2 ] && die "the API exited while starting; see $DATA_DIR/logs/api.log"
  die "the API did not answer on port ${api_port} within 60 s; see $DATA_DIR/logs/api.log"
fi

cat <<INFO

  Collections orchestrator is running.
    API:          http://${API_HOST:-127.0.0.1}:${api_port}   (health: /health, readiness: /ready)
    Temporal UI:  ${temporal_ui}
    Temporal:     ${TEMPORAL_ADDRESS} (namespace ${TEMPORAL_NAMESPACE})
    Database:     $(node -e 'const u = new URL(process.argv[1]); u.password &&= "***"; console.log(u.href)' "$DATABASE_URL")
    Codec server: http://${api_browser_host}:${api_port}/codec   (token in ${DATA_DIR}/codec-server-token unless CODEC_SERVER_TOKEN is set)
    Logs:         $DATA_DIR/logs/ (worker, api, postgres), $DATA_DIR/temporal/

INFO

if $detach; then
  echo "  Detached. Stop everything with: bash scripts/dev-stop.sh"
  exit 0
fi

echo "  Press Ctrl-C to stop."
trap 'bash scripts/dev-stop.sh || true; exit 0' INT TERM
wait
