#!/usr/bin/env bash
# Builds the pinned Temporal server (the real, multi-service server, not the CLI's dev server) and
# its SQL schema tool from Go modules, and prints the folder that holds them as the last line of
# stdout; progress goes to stderr. The folder (outside the checkout, so fresh clones such as CI's
# reuse it) holds:
#   temporal-server      go.temporal.io/server/cmd/server
#   temporal-sql-tool    go.temporal.io/server/cmd/tools/sql
#   schema/postgresql/v12/{temporal,visibility}/versioned   the module's own schema files
# The version is pinned here and nowhere else (docker-compose.yml's image tags follow it, checked
# by test/docker-compose.test.ts).
set -euo pipefail
cd "$(dirname "$0")/.."

# Newest release whose go.mod the machine's Go (1.26.8) accepts with GOTOOLCHAIN=local: v1.32.2 asks
# for go >= 1.26.10, v1.32.1 for 1.26.8. No release has a `replace` line, which `go install` refuses.
TEMPORAL_SERVER_VERSION="1.32.1"
MIN_GO="1.26.8"
cache_dir="${XDG_CACHE_HOME:-$HOME/.cache}/collections-orchestrator/temporal-server/v${TEMPORAL_SERVER_VERSION}"
module="go.temporal.io/server"

say() { printf '%s\n' "$*" >&2; }

# Only this script writes into the versioned cache folder, and it moves the finished set in last.
is_cached() { [ -x "$cache_dir/temporal-server" ] && [ -x "$cache_dir/temporal-sql-tool" ] && [ -d "$cache_dir/schema/postgresql/v12" ]; }

if is_cached; then echo "$cache_dir"; exit 0; fi

command -v go >/dev/null || {
  say "error: the Temporal server v${TEMPORAL_SERVER_VERSION} is built from Go modules and Go (${MIN_GO}+) is not on PATH."
  say "  Install Go ${MIN_GO}+ (https://go.dev/dl), or run the cluster with docker-compose.yml instead."
  exit 1
}
go_version="$(go env GOVERSION | sed -E 's/^go//')"
if [ "$(printf '%s\n%s\n' "$MIN_GO" "$go_version" | sort -V | head -1)" != "$MIN_GO" ]; then
  say "error: Go $go_version is too old to build the Temporal server v${TEMPORAL_SERVER_VERSION}; its go.mod needs Go ${MIN_GO}+."
  exit 1
fi

mkdir -p "$cache_dir"
# One build at a time: a second run waits here and then finds the finished set.
exec 9>"$cache_dir/.install.lock"
if command -v flock >/dev/null; then
  flock -n 9 || { say "Temporal server v${TEMPORAL_SERVER_VERSION}: another run is building it; waiting for it to finish"; flock 9; }
fi
if is_cached; then echo "$cache_dir"; exit 0; fi

say "Building the Temporal server v${TEMPORAL_SERVER_VERSION} and its SQL tool with Go $go_version"
say "  (first time only: several minutes and a large module download; cached in $cache_dir)"
build_dir="$(mktemp -d "$cache_dir/.build.XXXXXX")"
trap 'rm -rf "$build_dir"' EXIT
started=$SECONDS
if ! GOBIN="$build_dir/bin" go install \
  "$module/cmd/server@v${TEMPORAL_SERVER_VERSION}" "$module/cmd/tools/sql@v${TEMPORAL_SERVER_VERSION}" 2>&1 \
  | while IFS= read -r line; do say "  go: $line"; done; then
  say "error: go install of $module v${TEMPORAL_SERVER_VERSION} failed (see the go: lines above)"
  exit 1
fi
[ -x "$build_dir/bin/server" ] && [ -x "$build_dir/bin/sql" ] || { say "error: go install finished without producing the server and sql binaries"; exit 1; }

# The schema files come from the very module that was built, so they always match it.
module_dir="$(go env GOMODCACHE)/$module@v${TEMPORAL_SERVER_VERSION}"
mkdir -p "$build_dir/set/schema/postgresql"
cp -R "$module_dir/schema/postgresql/v12" "$build_dir/set/schema/postgresql/"
chmod -R u+w "$build_dir/set" # the module cache is read-only
mv "$build_dir/bin/sql" "$build_dir/set/temporal-sql-tool"
mv "$build_dir/bin/server" "$build_dir/set/temporal-server"
rm -rf "$cache_dir/schema"
mv "$build_dir/set/schema" "$build_dir/set/temporal-sql-tool" "$cache_dir/"
mv "$build_dir/set/temporal-server" "$cache_dir/temporal-server" # last: is_cached checks it
say "Built the Temporal server v${TEMPORAL_SERVER_VERSION} in $((SECONDS - started)) s: $cache_dir"
echo "$cache_dir"
