#!/usr/bin/env bash
# Runs the whole test suite from a fresh checkout: installs what is missing, lints, typechecks,
# then runs vitest against a real Temporal dev server and a fresh PostgreSQL database on the
# running server, or on an embedded one when none runs (the global setup starts and removes them). Ends with one line: "N passed, N failed[, N skipped]".
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/common.sh
set -e
ensure_node_modules
# A real server when one runs (the machine's cluster is started if installed); otherwise the
# global setup starts an embedded PostgreSQL.
start_local_postgres_cluster || log "No PostgreSQL on 127.0.0.1:${PGPORT:-5432}: the tests will use an embedded one"
ensure_prisma_client
if [ -z "${TEMPORAL_ADDRESS:-}" ]; then
  log "Making the Temporal CLI available (built once, then cached)"
  bash scripts/install-temporal-cli.sh >/dev/null
fi
log "Making Chromium available for the console's browser tests"
bash scripts/install-chromium.sh >/dev/null || log "No Chromium: the console's browser tests will fail (see the message above)"
set +e

status=0
log "Lint (eslint)"
node_modules/.bin/eslint . || status=1
log "Typecheck (tsc)"
node_modules/.bin/tsc --noEmit -p tsconfig.json || status=1

log "Tests (vitest)"
rm -f .vitest-results.json
node_modules/.bin/vitest run "$@" || status=1

node scripts/lib/vitest-summary.mjs .vitest-results.json || status=1
exit $status
