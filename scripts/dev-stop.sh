#!/usr/bin/env bash
# Stops what `scripts/dev.sh --detach` started: API, worker and the Temporal dev server.
set -euo pipefail
cd "$(dirname "$0")/.."
export DATA_DIR="${DATA_DIR:-$PWD/.data}"
for name in api worker; do
  pid_file="$DATA_DIR/run/$name.pid"
  if [ -f "$pid_file" ]; then
    kill "$(cat "$pid_file")" 2>/dev/null && echo "stopped $name" || true
    rm -f "$pid_file"
  fi
done
bash scripts/stop-temporal.sh || true
