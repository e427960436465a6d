#!/usr/bin/env bash
# Stops what `scripts/dev.sh --detach` started: API, worker, the Temporal dev server and the
# embedded PostgreSQL. Only processes that really are ours: a stale pid file is just removed.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/common.sh
export DATA_DIR="${DATA_DIR:-$PWD/.data}"
stop_pid_file "$DATA_DIR/run/api.pid" "api/main.ts" "the API"
stop_pid_file "$DATA_DIR/run/worker.pid" "worker/main.ts" "the worker"
bash scripts/stop-temporal.sh || true
stop_pid_file "$DATA_DIR/run/postgres.pid" "embedded-postgres/serve.ts" "the embedded PostgreSQL"
