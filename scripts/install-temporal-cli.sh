#!/usr/bin/env bash
# Makes the pinned Temporal CLI (which holds the dev server and the Web UI) available and prints
# its path as the last line of stdout; progress goes to stderr. In order:
#   1. TEMPORAL_CLI_PATH, or a `temporal` on PATH, of the pinned version;
#   2. the cache, outside the checkout so fresh clones (CI) reuse it;
#   3. the official release archive for this platform, its sha256 checked against the release's
#      checksums file (seconds; needs the internet);
#   4. `go install` into the cache (minutes the first time; needs Go 1.25+).
# The version is pinned here and nowhere else.
set -euo pipefail
cd "$(dirname "$0")/.."

TEMPORAL_CLI_VERSION="1.5.1"  # newest tag whose go.mod has no `replace` (go install refuses those)
MIN_GO_MINOR=25
release_base_url="${TEMPORAL_CLI_RELEASE_BASE_URL:-https://github.com/temporalio/cli/releases/download}"
cache_dir="${XDG_CACHE_HOME:-$HOME/.cache}/collections-orchestrator/temporal-cli/v${TEMPORAL_CLI_VERSION}"
cached_bin="$cache_dir/temporal"

say() { printf '%s\n' "$*" >&2; }

# A release binary says "temporal version 1.5.1 (...)"; one built by `go install` says 0.0.0-DEV,
# so for those the module version embedded in the binary is what counts (readable only with Go).
is_pinned_version() {
  local bin="$1" output
  [ -x "$bin" ] || return 1
  output="$("$bin" --version 2>/dev/null || true)"
  [[ "$output" == *"temporal version ${TEMPORAL_CLI_VERSION} "* ]] && return 0
  command -v go >/dev/null || return 1
  output="$(go version -m "$bin" 2>/dev/null || true)"
  [[ "$output" =~ [[:space:]]mod[[:space:]]+github.com/temporalio/cli[[:space:]]+v${TEMPORAL_CLI_VERSION//./\\.}[[:space:]] ]]
}

# Only this script writes into the versioned cache folder, so a binary there is that version.
is_cached() { [ -x "$cached_bin" ]; }

for candidate in "${TEMPORAL_CLI_PATH:-}" "$(command -v temporal || true)"; do
  if [ -n "$candidate" ] && is_pinned_version "$candidate"; then
    say "Temporal CLI: using $candidate (v${TEMPORAL_CLI_VERSION})"
    echo "$candidate"
    exit 0
  fi
  if [ -n "$candidate" ] && [ -x "$candidate" ]; then say "Temporal CLI: ignoring $candidate: not v${TEMPORAL_CLI_VERSION}"; fi
done
if is_cached; then echo "$cached_bin"; exit 0; fi

mkdir -p "$cache_dir"
# One install at a time: a second launcher waits here and then finds the binary.
exec 9>"$cache_dir/.install.lock"
if command -v flock >/dev/null; then flock 9; fi
if is_cached; then echo "$cached_bin"; exit 0; fi

say "Temporal CLI v${TEMPORAL_CLI_VERSION}: downloading the official release archive (checksum verified)"
started=$SECONDS
if downloaded="$(node_modules/.bin/tsx scripts/temporal/fetch-release-archive.ts "$release_base_url" "$TEMPORAL_CLI_VERSION" "$cache_dir")"; then
  say "Temporal CLI: installed from the release archive in $((SECONDS - started)) s: $downloaded"
  echo "$downloaded"
  exit 0
fi
say "Temporal CLI: the release archive is not available here; building it with Go instead"

command -v go >/dev/null || {
  say "error: the Temporal CLI v${TEMPORAL_CLI_VERSION} could not be downloaded and Go (1.${MIN_GO_MINOR}+) is not there to build it."
  say "  Install one of: the Temporal CLI v${TEMPORAL_CLI_VERSION} on PATH (https://docs.temporal.io/cli), Go 1.${MIN_GO_MINOR}+ (https://go.dev/dl),"
  say "  or set TEMPORAL_CLI_PATH to a temporal ${TEMPORAL_CLI_VERSION} binary, or TEMPORAL_ADDRESS to a running Temporal server."
  exit 1
}
go_minor="$(go env GOVERSION | sed -E 's/^go1\.([0-9]+).*/\1/')"
if [ "$go_minor" -lt "$MIN_GO_MINOR" ] 2>/dev/null; then
  say "error: Go $(go env GOVERSION) is too old to build the Temporal CLI; it needs Go 1.${MIN_GO_MINOR}+."
  exit 1
fi

say "Building Temporal CLI v${TEMPORAL_CLI_VERSION} with $(go env GOVERSION) (first time only: a few minutes, a large module download)"
build_dir="$(mktemp -d "$cache_dir/.build.XXXXXX")"
trap 'rm -rf "$build_dir"' EXIT
started=$SECONDS
GOBIN="$build_dir" go install -v "github.com/temporalio/cli/cmd/temporal@v${TEMPORAL_CLI_VERSION}" 2>&1 \
  | while IFS= read -r line; do say "  go: $line"; done
[ -x "$build_dir/temporal" ] || { say "error: go install finished without producing a temporal binary"; exit 1; }
mv -f "$build_dir/temporal" "$cached_bin"  # atomic on the same file system
say "Built in $((SECONDS - started)) s: $cached_bin"
echo "$cached_bin"
