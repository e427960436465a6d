#!/bin/sh
# Creates Temporal's two PostgreSQL databases (persistence and visibility) if missing and brings
# their schema to the newest version, with the server's own SQL tool and schema files. Safe to run
# again (setup-schema -v 0.0 only creates the version table; update-schema applies what is missing).
# One script for both places the server runs: scripts/temporal/start-cluster.sh (CI, this machine)
# and docker-compose.yml's temporal-schema service (temporalio/admin-tools: POSIX sh, no bash).
# It reads the variables of temporal/server.env, as the server does:
#   POSTGRES_SEEDS DB_PORT POSTGRES_USER POSTGRES_PWD   where PostgreSQL is
#   DBNAME VISIBILITY_DBNAME                            the two databases
# and TEMPORAL_SCHEMA_DIR (.../schema/postgresql/v12 of the server's version), TEMPORAL_SQL_TOOL
# (the temporal-sql-tool binary; default: the one on PATH).
set -eu
: "${POSTGRES_SEEDS:?}" "${DBNAME:?}" "${VISIBILITY_DBNAME:?}" "${TEMPORAL_SCHEMA_DIR:?}"
export SQL_PLUGIN=postgres12 SQL_HOST="$POSTGRES_SEEDS" SQL_PORT="${DB_PORT:-5432}" SQL_USER="${POSTGRES_USER:-}" SQL_PASSWORD="${POSTGRES_PWD:-}"
tool="${TEMPORAL_SQL_TOOL:-temporal-sql-tool}"

for pair in "$DBNAME:temporal" "$VISIBILITY_DBNAME:visibility"; do
  db="${pair%%:*}"
  dir="$TEMPORAL_SCHEMA_DIR/${pair#*:}/versioned"
  echo "temporal schema: $db from $dir"
  "$tool" --database "$db" create-database || echo "temporal schema: could not create $db (it exists?); going on"
  "$tool" --database "$db" setup-schema -v 0.0
  "$tool" --database "$db" update-schema -d "$dir"
done
