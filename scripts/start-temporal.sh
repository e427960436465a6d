#!/usr/bin/env bash
# Starts the Temporal dev server in the background, with a persistent SQLite file and the Web UI,
# waits until it answers, and registers the project's search attributes. Idempotent: when the
# server it started earlier is still running, it only re-registers. Stop it with stop-temporal.sh.
# TEMPORAL_UI_CODEC_ENDPOINT (set by dev.sh) is where the Web UI decodes payloads.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/common.sh

port="${TEMPORAL_PORT:-7233}"
ui_port="${TEMPORAL_UI_PORT:-8233}"
namespace="${TEMPORAL_NAMESPACE:-default}"
state_dir="${DATA_DIR:-$PWD/.data}/temporal"
pid_file="$state_dir/server.pid"
mkdir -p "$state_dir"

export TEMPORAL_ADDRESS="127.0.0.1:$port" TEMPORAL_NAMESPACE="$namespace"

server_pattern="--db-filename $state_dir/temporal.sqlite"  # in our server's command line only
if pid_file_is_ours "$pid_file" "$server_pattern"; then
  log "Temporal dev server already running (pid $(cat "$pid_file")) on $TEMPORAL_ADDRESS"
else
  # Fail now, naming the holder, rather than talk to someone else's server on these ports.
  require_free_port "$port" "the Temporal dev server" TEMPORAL_PORT
  require_free_port "$ui_port" "the Temporal Web UI" TEMPORAL_UI_PORT
  cli="$(bash scripts/install-temporal-cli.sh | tail -n 1)"
  start_detached_server "the Temporal dev server" "$pid_file" "$state_dir/server.log" "$port" 60 \
    "$cli" server start-dev \
    --ip 127.0.0.1 \
    --port "$port" \
    --ui-port "$ui_port" \
    --namespace "$namespace" \
    --db-filename "$state_dir/temporal.sqlite" \
    --log-level warn \
    ${TEMPORAL_UI_CODEC_ENDPOINT:+--ui-codec-endpoint "$TEMPORAL_UI_CODEC_ENDPOINT"}
fi

wait_and_register "the Temporal dev server" "$state_dir/server.log"
