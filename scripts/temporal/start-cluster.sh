#!/usr/bin/env bash
# A real Temporal server (all four services in one process) on this machine's PostgreSQL: what CI
# runs the cluster tests against, configured as docker-compose.yml runs it in containers.
#
#   bash scripts/temporal/start-cluster.sh [DIR]
#
# The first run in DIR (a fresh temporary folder when not given): builds or reuses the server
# (scripts/install-temporal-server.sh); creates two databases named uniquely for this run, one for
# persistence and one for visibility, and sets up and updates their schema with the server's own
# SQL tool (scripts/temporal/setup-schema.sh, as docker-compose's temporal-schema service does);
# starts `temporal-server start` with temporal/server.env (docker-compose's env_file for the
# temporalio/server image) plus this machine's overrides: PostgreSQL's address and user, the
# databases, free ports; then creates the namespace and registers our search attributes.
# A later run with the same DIR only starts the server again if it is not running (a restart keeps
# everything: the databases are the state). Stop it and drop the databases: stop-cluster.sh DIR.
#
# Prints, as its last lines on stdout: TEMPORAL_CLUSTER_DIR=..., TEMPORAL_ADDRESS=..., TEMPORAL_NAMESPACE=...
# PostgreSQL: PGHOST (127.0.0.1), PGPORT (5432), PGUSER (postgres), PGPASSWORD (empty).
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib/common.sh

dir="${1:-}"
if [ -z "$dir" ]; then dir="$(mktemp -d "${TMPDIR:-/tmp}/temporal-cluster.XXXXXX")"; fi
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
state="$dir/cluster.env"

if [ ! -f "$state" ]; then
  server_dir="$(bash scripts/install-temporal-server.sh | tail -n 1)"
  pg_host="${PGHOST:-127.0.0.1}" pg_port="${PGPORT:-5432}" pg_user="${PGUSER:-postgres}" pg_password="${PGPASSWORD:-}"
  port_answers "$pg_host" "$pg_port" || die "no PostgreSQL answers on $pg_host:$pg_port (set PGHOST/PGPORT)"
  suffix="$(date +%s)_$$"
  # 9 free ports: frontend gRPC and HTTP, and gRPC + membership for each of the four services.
  # Below 32768: the server stores its membership port in a smallint column, and the kernel's
  # "any free port" comes from the range above it.
  read -r -a ports <<<"$(node -e '
    const net = require("node:net");
    const taken = new Set();
    const tryPort = () => new Promise((ok) => {
      const port = 20000 + Math.floor(Math.random() * 12000);
      if (taken.has(port)) return ok(tryPort());
      const server = net.createServer().once("error", () => ok(tryPort()));
      server.listen(port, "127.0.0.1", () => { taken.add(port); server.close(() => ok(port)); });
    });
    (async () => { const ports = []; for (let i = 0; i < 9; i++) ports.push(await tryPort()); console.log(ports.join(" ")); })();')"
  # This machine's overrides of temporal/server.env, kept for restarts and for stop-cluster.sh.
  # Written first, so stop-cluster.sh can drop the databases even when a later step fails.
  cat >"$state" <<EOF
SERVER_DIR=$server_dir
NAMESPACE=${TEMPORAL_NAMESPACE:-default}
POSTGRES_SEEDS=$pg_host
DB_PORT=$pg_port
POSTGRES_USER=$pg_user
POSTGRES_PWD=$pg_password
DBNAME=temporal_$suffix
VISIBILITY_DBNAME=temporal_visibility_$suffix
DYNAMIC_CONFIG_FILE_PATH=$PWD/temporal/dynamicconfig.yaml
BIND_ON_IP=127.0.0.1
TEMPORAL_BROADCAST_ADDRESS=127.0.0.1
FRONTEND_GRPC_PORT=${ports[0]}
FRONTEND_HTTP_PORT=${ports[1]}
FRONTEND_MEMBERSHIP_PORT=${ports[2]}
HISTORY_GRPC_PORT=${ports[3]}
HISTORY_MEMBERSHIP_PORT=${ports[4]}
MATCHING_GRPC_PORT=${ports[5]}
MATCHING_MEMBERSHIP_PORT=${ports[6]}
WORKER_GRPC_PORT=${ports[7]}
WORKER_MEMBERSHIP_PORT=${ports[8]}
EOF
  # shellcheck disable=SC1090
  source "$state"
  log "Temporal cluster: databases $DBNAME and $VISIBILITY_DBNAME (schema of server ${SERVER_DIR##*/})"
  (set -a && source "$state" && TEMPORAL_SCHEMA_DIR="$SERVER_DIR/schema/postgresql/v12" TEMPORAL_SQL_TOOL="$SERVER_DIR/temporal-sql-tool" \
    exec sh scripts/temporal/setup-schema.sh) >>"$dir/schema.log" 2>&1 || { tail -n 20 "$dir/schema.log" >&2; die "the schema setup failed; see $dir/schema.log"; }
  echo "CONFIGURED=1" >>"$state"
fi

# shellcheck disable=SC1090
source "$state"
[ "${CONFIGURED:-}" = 1 ] || die "$dir holds a cluster whose setup did not finish: stop-cluster.sh $dir, then start again"
address="127.0.0.1:$FRONTEND_GRPC_PORT"
pid_file="$dir/server.pid"
if pid_file_is_ours "$pid_file" "$SERVER_DIR/temporal-server"; then
  log "Temporal cluster already running (pid $(cat "$pid_file")) on $address"
else
  if port_answers 127.0.0.1 "$FRONTEND_GRPC_PORT"; then
    die "port $FRONTEND_GRPC_PORT, this cluster's frontend, is taken by $(port_holder "$FRONTEND_GRPC_PORT"): stop that process, or stop-cluster.sh $dir and start a new cluster"
  fi
  # The server's environment: the shared file, then this machine's overrides, nothing inherited
  # that the template reads by accident; it runs in DIR and outlives this script (stop-cluster.sh ends it).
  mapfile -t server_env < <(grep -hE '^[A-Z_]+=' temporal/server.env "$state" | grep -vE '^(SERVER_DIR|NAMESPACE|CONFIGURED)=')
  start_detached_server "the Temporal cluster" "$pid_file" "$dir/server.log" "$FRONTEND_GRPC_PORT" 120 \
    env -i -C "$dir" PATH="$PATH" HOME="$HOME" "${server_env[@]}" "$SERVER_DIR/temporal-server" start
fi

export TEMPORAL_ADDRESS="$address" TEMPORAL_NAMESPACE="$NAMESPACE"
node_modules/.bin/tsx scripts/temporal/create-namespace.ts || { tail -n 30 "$dir/server.log" >&2; die "the Temporal cluster at $address could not create namespace $NAMESPACE"; }
wait_and_register "the Temporal cluster" "$dir/server.log"
echo "TEMPORAL_CLUSTER_DIR=$dir"
echo "TEMPORAL_ADDRESS=$address"
echo "TEMPORAL_NAMESPACE=$NAMESPACE"
