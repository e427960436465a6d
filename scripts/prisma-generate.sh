#!/usr/bin/env bash
# Generates the Prisma client into generated/prisma without network access.
# Every Prisma CLI command first tries to download the native schema engine; generation does not
# use it, and the download is skipped when PRISMA_SCHEMA_ENGINE_BINARY names an existing file.
# We point it at this script itself: any existing file will do (see README, "Prisma offline").
set -euo pipefail
cd "$(dirname "$0")/.."
export PRISMA_SCHEMA_ENGINE_BINARY="${PRISMA_SCHEMA_ENGINE_BINARY:-$PWD/scripts/prisma-generate.sh}"
# No checksum download for engines given by path, no update check, no telemetry call.
export PRISMA_ENGINES_CHECKSUM_IGNORE_MISSING=1 PRISMA_HIDE_UPDATE_MESSAGE=1 CHECKPOINT_DISABLE=1
node_modules/.bin/prisma generate
