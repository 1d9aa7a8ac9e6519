#!/usr/bin/env bash
# Builds the web consoles into web/dist: npm ci (when node_modules is missing or older than
# package-lock.json) and npm run build (type check, then Vite), skipped when dist is newer
# than every source. Run by scripts/build.sh; the result is not committed.
set -euo pipefail
cd "$(dirname "$0")/../web"
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
if [[ -f dist/index.html ]] &&
  [[ -z "$(find src public index.html package.json package-lock.json tsconfig.json vite.config.ts -newer dist/index.html -print -quit)" ]]; then
  exit 0
fi
npm run build --silent
