#!/usr/bin/env bash
# The production build: TypeScript compiled to JavaScript in dist/ (or $1), the files the code
# reads at run time copied beside it, and the workflows bundled ahead. Images run `node dist/…`;
# nothing is compiled at run time.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-dist}"
rm -rf "$out"
[ -d generated/prisma ] || bash scripts/prisma-generate.sh
node_modules/.bin/tsc -p tsconfig.build.json --outDir "$out"
# Read from disk next to the code that uses them.
mkdir -p "$out/prisma"
cp -r prisma/migrations "$out/prisma/"
if [ -d api/console/assets ]; then mkdir -p "$out/api/console" && cp -r api/console/assets "$out/api/console/"; fi
# From the TypeScript sources, as the tests' bundle is built (the bundler compiles them itself).
node_modules/.bin/tsx scripts/bundle-workflows.ts "$out/workflow-bundle.js"
echo "built into $out"
