# Shared steps of the dev, test and CI launchers. Source it; do not run it.

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Node 20.19+ or 22.12+ (Prisma 7 and ESLint 10 need it).
require_node() {
  command -v node >/dev/null || die "Node.js is not installed: install Node 22 LTS (or 20.19+)."
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit((a===20&&b>=19)||(a===22&&b>=12)||a>22?0:1)' \
    || die "Node $(node -v) is too old: this project needs Node 20.19+ or 22.12+."
}

# npm ci when node_modules is missing or older than the lockfile.
ensure_node_modules() {
  require_node
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    log "Installing npm packages (npm ci)"
    npm ci --no-audit --no-fund
  fi
}

# The machine's own PostgreSQL cluster, started if it is installed and down (CI machines; needs
# root). Returns non-zero when nothing answers afterwards: callers fall back to the embedded one.
start_local_postgres_cluster() {
  local port="${PGPORT:-5432}"
  port_answers 127.0.0.1 "$port" && return 0
  command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ] || return 1
  log "Starting the local PostgreSQL cluster"
  local version; version="$(ls /etc/postgresql | sort -V | tail -n 1)"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 1 30); do port_answers 127.0.0.1 "$port" && return 0; sleep 1; done
  return 1
}

# The database for `npm run dev`, exported as DATABASE_URL. In order: a set DATABASE_URL; the
# embedded server a detached run left running; a server answering on 127.0.0.1:$PGPORT (5432);
# else the embedded PostgreSQL (scripts/start-embedded-postgres.sh) with its data in $DATA_DIR.
# The database is $PGDATABASE (collections); the migrator creates it.
ensure_dev_postgres() {
  local port="${PGPORT:-5432}" database="${PGDATABASE:-collections}"
  if [ -n "${DATABASE_URL:-}" ]; then
    log "Using the database at DATABASE_URL"
  elif pid_file_is_ours "$DATA_DIR/run/postgres.pid" "embedded-postgres/serve.ts"; then
    log "Using the embedded PostgreSQL already running on 127.0.0.1:$port"
    export DATABASE_URL="postgresql://postgres:postgres@127.0.0.1:$port/$database"
  elif port_answers 127.0.0.1 "$port"; then
    log "Using the PostgreSQL server on 127.0.0.1:$port"
    export DATABASE_URL="postgresql://postgres@127.0.0.1:$port/$database"
  else
    bash scripts/start-embedded-postgres.sh
    export DATABASE_URL="postgresql://postgres:postgres@127.0.0.1:$port/$database"
  fi
}

# True when something accepts TCP connections on host:port (Node only: no pg_isready or nc needed).
port_answers() {
  node -e 'const s = require("node:net").connect({ host: process.argv[1], port: Number(process.argv[2]) });
    s.setTimeout(1000, () => process.exit(1));
    s.on("connect", () => process.exit(0)).on("error", () => process.exit(1));' "$1" "$2"
}

# Who listens on a TCP port, like "postgres (pid 123)"; "an unknown process" when neither ss nor
# lsof can tell (another user's process, or neither tool installed).
port_holder() {
  local port="$1" out=""
  if command -v ss >/dev/null; then
    out="$(ss -Hltnp "sport = :$port" 2>/dev/null || true)"
    if [[ "$out" =~ \(\(\"([^\"]+)\",pid=([0-9]+) ]]; then echo "${BASH_REMATCH[1]} (pid ${BASH_REMATCH[2]})"; return; fi
  fi
  if command -v lsof >/dev/null; then
    out="$(lsof -nP -iTCP:"$port" -sTCP:LISTEN -Fpc 2>/dev/null || true)"
    if [[ "$out" =~ p([0-9]+)[[:space:]]+c([^[:space:]]+) ]]; then echo "${BASH_REMATCH[2]} (pid ${BASH_REMATCH[1]})"; return; fi
  fi
  echo "an unknown process"
}

# Fails at once when a port we are about to listen on is taken, naming the process holding it.
require_free_port() {
  local port="$1" what="$2" variable="$3"
  if port_answers 127.0.0.1 "$port"; then
    die "port $port, wanted for $what, is taken by $(port_holder "$port"). Stop that process, or set $variable to a free port."
  fi
}

# The command line of a running process ("" when it is gone).
process_args() {
  local pid="$1"
  if [ -r "/proc/$pid/cmdline" ]; then tr '\0' ' ' <"/proc/$pid/cmdline"; else ps -o args= -p "$pid" 2>/dev/null || true; fi
}

# True when a pid file names a live process whose command line contains the pattern: a stale file
# whose pid now belongs to some other process is not trusted.
pid_file_is_ours() {
  local pid_file="$1" pattern="$2" pid
  [ -f "$pid_file" ] || return 1
  pid="$(cat "$pid_file")"
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  [[ "$(process_args "$pid")" == *"$pattern"* ]]
}

# Stops the process in a pid file if it is ours (TERM, then KILL after 10 s); removes the file.
stop_pid_file() {
  local pid_file="$1" pattern="$2" name="$3" pid
  if pid_file_is_ours "$pid_file" "$pattern"; then
    pid="$(cat "$pid_file")"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
    echo "stopped $name (pid $pid)"
  fi
  rm -f "$pid_file"
}

# Runs a check every 0.2 s until it passes (0), one of the processes exits (2: reported at once,
# not at the deadline), or the seconds run out (1). Usage: wait_while_alive "PID [PID...]" SECONDS CHECK...
wait_while_alive() {
  local pids="$1" seconds="$2" pid; shift 2
  local deadline=$((SECONDS + seconds))
  while [ "$SECONDS" -lt "$deadline" ]; do
    "$@" && return 0
    for pid in $pids; do kill -0 "$pid" 2>/dev/null || return 2; done
    sleep 0.2
  done
  return 1
}

# Starts a server in a session of its own (it outlives this script and is not hit by the
# launcher's Ctrl-C twice), appending its output to LOG and its pid to PID_FILE, then waits up to
# SECONDS for 127.0.0.1:PORT to answer. On failure: the log's tail, no pid file, and an error that
# says whether NAME exited or never opened the port.
# Usage: start_detached_server NAME PID_FILE LOG PORT SECONDS COMMAND...
start_detached_server() {
  local name="$1" pid_file="$2" log_file="$3" port="$4" seconds="$5" pid status=0
  shift 5
  setsid "$@" >>"$log_file" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$pid_file"
  log "Starting $name (pid $pid, log $log_file)"
  wait_while_alive "$pid" "$seconds" port_answers 127.0.0.1 "$port" || status=$?
  [ "$status" -eq 0 ] && return 0
  tail -n 30 "$log_file" >&2 || true
  rm -f "$pid_file"
  [ "$status" -eq 2 ] && die "$name exited while starting; see $log_file"
  die "$name did not open port $port within $seconds s; see $log_file"
}

# Waits until the Temporal frontend at TEMPORAL_ADDRESS serves TEMPORAL_NAMESPACE, then registers
# the project's search attributes (idempotent). On failure: the server log's tail and an error
# naming NAME. Usage: wait_and_register NAME LOG
wait_and_register() {
  local name="$1" log_file="$2"
  if ! node_modules/.bin/tsx scripts/temporal/wait-and-register.ts; then
    tail -n 30 "$log_file" >&2 || true
    die "$name did not serve namespace $TEMPORAL_NAMESPACE on $TEMPORAL_ADDRESS"
  fi
}

# The generated Prisma client (generated/ is not committed), rebuilt when the schema is newer.
ensure_prisma_client() {
  if [ ! -d generated/prisma ] || [ prisma/schema.prisma -nt generated/prisma ]; then
    log "Generating the Prisma client"
    bash scripts/prisma-generate.sh
  fi
}

# True when an HTTP URL answers 2xx (Node's fetch: curl may be missing).
http_ok() {
  node -e 'fetch(process.argv[1], { signal: AbortSignal.timeout(2000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$1"
}

# Development secrets, made once under $DATA_DIR (git-ignored, files readable by their owner only)
# unless the environment sets them: a payload encryption key file and the codec server's token.
ensure_dev_encryption() {
  local data_dir="${DATA_DIR:-$PWD/.data}"
  local random='process.stdout.write(require("node:crypto").randomBytes(32).toString(process.argv[1]))'
  mkdir -p "$data_dir"
  if [ -z "${PAYLOAD_ENCRYPTION_KEYS:-}" ] && [ -z "${PAYLOAD_ENCRYPTION_KEY_FILE:-}" ]; then
    export PAYLOAD_ENCRYPTION_KEY_FILE="$data_dir/payload-encryption-keys"
    if [ ! -s "$PAYLOAD_ENCRYPTION_KEY_FILE" ]; then
      log "Creating a development payload encryption key in $PAYLOAD_ENCRYPTION_KEY_FILE"
      (umask 077 && printf '# Payload encryption keys, newest first (id:base64key). Development only.\ndev-%s:%s\n' \
        "$(date -u +%Y%m%d%H%M%S)" "$(node -e "$random" base64)" >"$PAYLOAD_ENCRYPTION_KEY_FILE")
    fi
  fi
  if [ -z "${CODEC_SERVER_TOKEN:-}" ]; then
    local token_file="$data_dir/codec-server-token"
    [ -s "$token_file" ] || (umask 077 && node -e "$random" hex >"$token_file")
    CODEC_SERVER_TOKEN="$(cat "$token_file")"
    export CODEC_SERVER_TOKEN
  fi
}
