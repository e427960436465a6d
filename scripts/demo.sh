#!/usr/bin/env bash
# `npm run demo`: the demo ladder against the running dev system, with its payload encryption key
# (the one `npm run dev` created under .data/) unless PAYLOAD_ENCRYPTION_KEYS or _FILE is set.
set -euo pipefail
cd "$(dirname "$0")/.."
dev_keys="${DATA_DIR:-$PWD/.data}/payload-encryption-keys"
if [ -z "${PAYLOAD_ENCRYPTION_KEYS:-}" ] && [ -z "${PAYLOAD_ENCRYPTION_KEY_FILE:-}" ] && [ -f "$dev_keys" ]; then
  export PAYLOAD_ENCRYPTION_KEY_FILE="$dev_keys"
fi
exec node_modules/.bin/tsx scripts/demo-ladder.ts "$@"
