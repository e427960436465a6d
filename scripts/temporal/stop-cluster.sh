#!/usr/bin/env bash
# Stops the Temporal server that start-cluster.sh started in DIR, drops its two databases and
# removes DIR. Safe to run on a half-made cluster (it drops what exists) and twice.
#   bash scripts/temporal/stop-cluster.sh DIR
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib/common.sh

dir="${1:?usage: stop-cluster.sh DIR (the folder start-cluster.sh printed as TEMPORAL_CLUSTER_DIR)}"
[ -d "$dir" ] || { echo "no cluster in $dir (already stopped?)"; exit 0; }
dir="$(cd "$dir" && pwd)"
[ -f "$dir/cluster.env" ] || die "$dir is not a cluster folder of start-cluster.sh (no cluster.env): refusing to remove it"
# shellcheck disable=SC1091
source "$dir/cluster.env"

stop_pid_file "$dir/server.pid" "${SERVER_DIR:-temporal-server}/temporal-server" "the Temporal cluster"
for db in "$DBNAME" "$VISIBILITY_DBNAME"; do
  # Through node + pg (installed with the app), so no psql is needed.
  node -e '
    const { Client } = require("pg");
    const [host, port, user, password, db] = process.argv.slice(1);
    const client = new Client({ host, port: Number(port), user, password, database: "postgres" });
    client.connect()
      .then(() => client.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`))
      .then(() => client.end(), (error) => { console.error(`could not drop ${db}: ${error.message}`); process.exit(1); });' \
    "$POSTGRES_SEEDS" "$DB_PORT" "$POSTGRES_USER" "$POSTGRES_PWD" "$db"
  echo "dropped database $db"
done
rm -rf "$dir"
