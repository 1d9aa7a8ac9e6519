#!/usr/bin/env bash
# Installs the official province/regency/district/village codes and names (the idn-area-data
# npm package, pinned) into build/area-data/package/, where `siaga init` looks for them
# (build/area-data/package/data/*.csv). A no-op when that version is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
version=4.0.1
dest="${1:-build/area-data}"  # the build folder of the siaga binary, which looks beside itself
if [[ -f "$dest/package/data/villages.csv" ]] && grep -q "\"version\": \"$version\"" "$dest/package/package.json"; then
  exit 0
fi
mkdir -p "$dest"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# npm pack checks the tarball against the registry's integrity hash; no install scripts run.
(cd "$tmp" && npm pack "idn-area-data@$version" --silent >/dev/null)
rm -rf "$dest/package"
tar -xzf "$tmp/idn-area-data-$version.tgz" -C "$dest"
