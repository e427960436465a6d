#!/usr/bin/env bash
# Makes the pinned Temporal CLI (which holds the dev server and the Web UI) available and prints
# its path as the last line of stdout; progress goes to stderr. Looks, in order, at
# TEMPORAL_CLI_PATH, `temporal` on PATH, and the cache; else builds it with `go install` into the
# cache, which lives outside the checkout so fresh clones (CI) reuse it.
set -euo pipefail

TEMPORAL_CLI_VERSION="1.5.1"  # newest tag whose go.mod has no `replace` (go install refuses those)
MIN_GO_MINOR=25
cache_dir="${XDG_CACHE_HOME:-$HOME/.cache}/collections-orchestrator/temporal-cli/v${TEMPORAL_CLI_VERSION}"
cached_bin="$cache_dir/temporal"

say() { printf '%s\n' "$*" >&2; }

# A release binary says "temporal version 1.5.1 (...)"; one built by `go install` says 0.0.0-DEV,
# so for those the module version embedded in the binary is what counts.
is_pinned_version() {
  local bin="$1"
  [ -x "$bin" ] || return 1
  if "$bin" --version 2>/dev/null | grep -q "temporal version ${TEMPORAL_CLI_VERSION} "; then return 0; fi
  command -v go >/dev/null && go version -m "$bin" 2>/dev/null | grep -Eq "^\s+mod\s+github.com/temporalio/cli\s+v${TEMPORAL_CLI_VERSION}\s"
}

for candidate in "${TEMPORAL_CLI_PATH:-}" "$(command -v temporal || true)" "$cached_bin"; do
  if [ -n "$candidate" ] && is_pinned_version "$candidate"; then
    echo "$candidate"
    exit 0
  fi
  if [ -n "$candidate" ] && [ -x "$candidate" ]; then
    say "ignoring $candidate: not Temporal CLI v${TEMPORAL_CLI_VERSION}"
  fi
done

command -v go >/dev/null || { say "error: the Temporal CLI v${TEMPORAL_CLI_VERSION} is not installed and Go (1.${MIN_GO_MINOR}+) is not there to build it. Install Go, or set TEMPORAL_CLI_PATH to a temporal ${TEMPORAL_CLI_VERSION} binary."; exit 1; }
go_minor="$(go env GOVERSION | sed -E 's/^go1\.([0-9]+).*/\1/')"
if [ "$go_minor" -lt "$MIN_GO_MINOR" ] 2>/dev/null; then
  say "error: Go $(go env GOVERSION) is too old to build the Temporal CLI; it needs Go 1.${MIN_GO_MINOR}+."
  exit 1
fi

mkdir -p "$cache_dir"
# One build at a time: a second launcher waits here and then finds the binary.
exec 9>"$cache_dir/.build.lock"
flock 9
if is_pinned_version "$cached_bin"; then echo "$cached_bin"; exit 0; fi

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
