#!/usr/bin/env bash
# Makes Chromium available for the console's browser tests (test/support/browser.ts drives it
# through playwright-core; Playwright's own browser downloads are not used). Prints its path as
# the last line of stdout. In order:
#   1. CHROMIUM_PATH, or Debian's /usr/bin/chromium;
#   2. `apt-get install -y chromium` when this user may (root, or sudo without a password);
#   3. otherwise a clear message and exit status 1.
set -euo pipefail

say() { printf '%s\n' "$*" >&2; }
candidate="${CHROMIUM_PATH:-/usr/bin/chromium}"

if [ -x "$candidate" ]; then
  echo "$candidate"
  exit 0
fi

if command -v apt-get >/dev/null 2>&1; then
  as_root=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then as_root=(sudo -n); else as_root=(none); fi
  fi
  if [ "${as_root[0]:-}" != none ]; then
    say "Installing Debian's chromium package (apt-get install -y chromium)"
    "${as_root[@]}" apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq chromium >&2
    if [ -x /usr/bin/chromium ]; then
      echo /usr/bin/chromium
      exit 0
    fi
  fi
fi

say "Chromium is missing: the console's browser tests (test/console-*.test.ts) need it."
say "Install it as root with 'apt-get install -y chromium' (Debian/Ubuntu), or set CHROMIUM_PATH to a Chromium or Chrome binary."
exit 1
