#!/usr/bin/env bash
# Installs what is missing, builds, seeds the demo city (Kota Ambon) and serves it on
# http://127.0.0.1:8112 until Ctrl-C. The database lives in data/demo.db.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh siaga
mkdir -p data
./build/siaga seed --demo --database data/demo.db
web_root=web/dist
[[ -d "$web_root" ]] || web_root=web/public
exec ./build/siaga serve --database data/demo.db --address "${SIAGA_ADDRESS:-127.0.0.1}" \
  --port "${SIAGA_PORT:-8112}" --web-root "$web_root"
