#!/usr/bin/env bash
# Stops the Temporal dev server that start-temporal.sh started (its data stays in the SQLite file).
set -euo pipefail
cd "$(dirname "$0")/.."
pid_file="${DATA_DIR:-$PWD/.data}/temporal/server.pid"
[ -f "$pid_file" ] || exit 0
pid="$(cat "$pid_file")"
if kill "$pid" 2>/dev/null; then
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -9 "$pid" 2>/dev/null || true
  echo "stopped the Temporal dev server (pid $pid)"
fi
rm -f "$pid_file"
