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

# The local PostgreSQL cluster, started if it is down (the machines' own command; needs root).
ensure_postgres() {
  local host="${PGHOST:-127.0.0.1}" port="${PGPORT:-5432}"
  if pg_isready -q -h "$host" -p "$port" 2>/dev/null; then return 0; fi
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    log "Starting the local PostgreSQL cluster"
    local version; version="$(ls /etc/postgresql | sort -V | tail -1)"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    for _ in $(seq 1 30); do pg_isready -q -h "$host" -p "$port" && return 0; sleep 1; done
  fi
  die "PostgreSQL is not answering on $host:$port. Start it, or set DATABASE_URL to a server that runs."
}

# The generated Prisma client (generated/ is not committed), rebuilt when the schema is newer.
ensure_prisma_client() {
  if [ ! -d generated/prisma ] || [ prisma/schema.prisma -nt generated/prisma ]; then
    log "Generating the Prisma client"
    bash scripts/prisma-generate.sh
  fi
}

# Waits for an HTTP URL to answer 2xx.
wait_for_http() {
  local url="$1" seconds="${2:-60}"
  for _ in $(seq 1 "$seconds"); do
    curl -fsS -o /dev/null "$url" 2>/dev/null && return 0
    sleep 1
  done
  return 1
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
