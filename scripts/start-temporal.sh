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
  # setsid: the server outlives this script and is not hit by the launcher's Ctrl-C twice.
  setsid "$cli" server start-dev \
    --ip 127.0.0.1 \
    --port "$port" \
    --ui-port "$ui_port" \
    --namespace "$namespace" \
    --db-filename "$state_dir/temporal.sqlite" \
    --log-level warn \
    ${TEMPORAL_UI_CODEC_ENDPOINT:+--ui-codec-endpoint "$TEMPORAL_UI_CODEC_ENDPOINT"} \
    >>"$state_dir/server.log" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$pid_file"
  log "Temporal dev server starting (pid $pid, log $state_dir/server.log)"
  status=0
  wait_while_alive "$pid" 60 port_answers 127.0.0.1 "$port" || status=$?
  if [ "$status" -ne 0 ]; then
    tail -n 20 "$state_dir/server.log" >&2 || true
    rm -f "$pid_file"
    [ "$status" -eq 2 ] && die "the Temporal dev server exited while starting; see $state_dir/server.log"
    die "the Temporal dev server did not open port $port within 60 s; see $state_dir/server.log"
  fi
fi

if ! node_modules/.bin/tsx scripts/temporal/wait-and-register.ts; then
  tail -n 20 "$state_dir/server.log" >&2 || true
  die "the Temporal dev server did not come up on $TEMPORAL_ADDRESS"
fi
