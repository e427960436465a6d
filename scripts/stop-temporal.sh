#!/usr/bin/env bash
# Stops the Temporal dev server that start-temporal.sh started (its data stays in the SQLite file).
# A pid file whose pid is no longer our server is removed, and nothing is killed.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/common.sh
state_dir="${DATA_DIR:-$PWD/.data}/temporal"
stop_pid_file "$state_dir/server.pid" "--db-filename $state_dir/temporal.sqlite" "the Temporal dev server"
