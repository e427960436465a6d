#!/usr/bin/env bash
# Runs the whole system on embedded defaults: installs what is missing, starts the Temporal dev
# server (unless TEMPORAL_ADDRESS is set), creates and migrates the database, starts worker and
# API. Foreground by default (Ctrl-C stops what it started); `--detach` leaves everything running
# in the background and `bash scripts/dev-stop.sh` stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/common.sh

detach=false
export DATA_DIR="${DATA_DIR:-$PWD/.data}"  # git-ignored: Temporal's SQLite file, logs, pid files
[ "${1:-}" = "--detach" ] && detach=true

ensure_node_modules
ensure_postgres
ensure_prisma_client
ensure_dev_encryption

api_port="${API_PORT:-3000}"
api_browser_host="${API_HOST:-127.0.0.1}"
[ "$api_browser_host" = "0.0.0.0" ] && api_browser_host=127.0.0.1
ui_port="${TEMPORAL_UI_PORT:-8233}"
# The Web UI decodes payloads through the API's codec server; it cannot send a header, so the
# endpoint carries the codec token in its path (README "Encryption of payloads").
export CODEC_CORS_ORIGINS="${CODEC_CORS_ORIGINS:-http://127.0.0.1:${ui_port},http://localhost:${ui_port}}"
export TEMPORAL_UI_CODEC_ENDPOINT="${TEMPORAL_UI_CODEC_ENDPOINT:-http://${api_browser_host}:${api_port}/codec/${CODEC_SERVER_TOKEN}}"

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

mkdir -p "$DATA_DIR/logs" "$DATA_DIR/run"
log "Starting the worker and the API (logs in $DATA_DIR/logs)"
node_modules/.bin/tsx worker/main.ts >>"$DATA_DIR/logs/worker.log" 2>&1 &
echo $! >"$DATA_DIR/run/worker.pid"
node_modules/.bin/tsx api/main.ts >>"$DATA_DIR/logs/api.log" 2>&1 &
echo $! >"$DATA_DIR/run/api.pid"

stop_children() {
  kill "$(cat "$DATA_DIR/run/api.pid")" "$(cat "$DATA_DIR/run/worker.pid")" 2>/dev/null || true
  rm -f "$DATA_DIR/run/api.pid" "$DATA_DIR/run/worker.pid"
}

if ! wait_for_http "http://${API_HOST:-127.0.0.1}:${api_port}/health" 60; then
  tail -n 30 "$DATA_DIR/logs/api.log" >&2 || true
  stop_children
  die "the API did not answer on port ${api_port}; see $DATA_DIR/logs/api.log"
fi

cat <<INFO

  Collections orchestrator is running.
    API:          http://${API_HOST:-127.0.0.1}:${api_port}   (health: /health, readiness: /ready)
    Temporal UI:  ${temporal_ui}
    Temporal:     ${TEMPORAL_ADDRESS} (namespace ${TEMPORAL_NAMESPACE})
    Codec server: http://${api_browser_host}:${api_port}/codec   (token in ${DATA_DIR}/codec-server-token unless CODEC_SERVER_TOKEN is set)
    Logs:         $DATA_DIR/logs/ (worker, api), $DATA_DIR/temporal/

INFO

if $detach; then
  echo "  Detached. Stop everything with: bash scripts/dev-stop.sh"
  exit 0
fi

echo "  Press Ctrl-C to stop."
trap 'stop_children; bash scripts/stop-temporal.sh >/dev/null 2>&1 || true; exit 0' INT TERM
wait
