#!/usr/bin/env bash
# Runs the whole system on embedded defaults: installs what is missing, starts the Temporal dev
# server (unless TEMPORAL_ADDRESS is set), creates and migrates the database, starts worker and
# API. Foreground by default (Ctrl-C stops what it started); `--detach` leaves everything running
# in the background and `bash scripts/dev-stop.sh` stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/common.sh

detach=false
[ "${1:-}" = "--detach" ] && detach=true

ensure_node_modules
ensure_postgres
ensure_prisma_client

export TEMPORAL_NAMESPACE="${TEMPORAL_NAMESPACE:-default}"
if [ -z "${TEMPORAL_ADDRESS:-}" ]; then
  log "Starting the Temporal dev server"
  bash scripts/start-temporal.sh
  export TEMPORAL_ADDRESS="127.0.0.1:${TEMPORAL_PORT:-7233}"
  temporal_ui="http://127.0.0.1:${TEMPORAL_UI_PORT:-8233}"
else
  log "Using the Temporal server at $TEMPORAL_ADDRESS"
  npx tsx scripts/register-search-attributes.ts
  temporal_ui="(the UI of your Temporal server)"
fi

log "Creating and migrating the database"
npx tsx scripts/migrate.ts

mkdir -p .data/logs .data/run
api_port="${API_PORT:-3000}"
log "Starting the worker and the API (logs in .data/logs/)"
node_modules/.bin/tsx worker/main.ts >>.data/logs/worker.log 2>&1 &
echo $! >.data/run/worker.pid
node_modules/.bin/tsx api/main.ts >>.data/logs/api.log 2>&1 &
echo $! >.data/run/api.pid

stop_children() {
  kill "$(cat .data/run/api.pid)" "$(cat .data/run/worker.pid)" 2>/dev/null || true
  rm -f .data/run/api.pid .data/run/worker.pid
}

if ! wait_for_http "http://${API_HOST:-127.0.0.1}:${api_port}/health" 60; then
  tail -n 30 .data/logs/api.log >&2 || true
  stop_children
  die "the API did not answer on port ${api_port}; see .data/logs/api.log"
fi

cat <<INFO

  Collections orchestrator is running.
    API:          http://${API_HOST:-127.0.0.1}:${api_port}   (health: /health, readiness: /ready)
    Temporal UI:  ${temporal_ui}
    Temporal:     ${TEMPORAL_ADDRESS} (namespace ${TEMPORAL_NAMESPACE})
    Logs:         .data/logs/worker.log, .data/logs/api.log, .data/temporal/server.log

INFO

if $detach; then
  echo "  Detached. Stop everything with: bash scripts/dev-stop.sh"
  exit 0
fi

echo "  Press Ctrl-C to stop."
trap 'stop_children; bash scripts/stop-temporal.sh >/dev/null 2>&1 || true; exit 0' INT TERM
wait
