#!/usr/bin/env bash
# The layer rule (CMakeLists.txt, src/README.md): compiled with the services layer's include root,
# a unit that includes only lower layers compiles and one that includes api/ fails because the
# header cannot be found. Usage: check.sh CXX LAYERS_DIR PROBES_DIR
set -uo pipefail
cxx=$1 layers=$2 probes=$3
flags=(-std=c++20 -fsyntax-only -I"$layers/services")
failed=0
if ! "$cxx" "${flags[@]}" "$probes/downward.cpp" 2>/tmp/siaga-layer-down.$$; then
  echo "FAIL: an allowed include did not compile:"; cat /tmp/siaga-layer-down.$$; failed=1
else
  echo "ok: services may include core, domain, storage and services"
fi
if "$cxx" "${flags[@]}" "$probes/upward.cpp" 2>/tmp/siaga-layer-up.$$; then
  echo "FAIL: services compiled with an include of api/"; failed=1
elif ! grep -q 'api/handler.hpp: No such file or directory' /tmp/siaga-layer-up.$$; then
  echo "FAIL: the upward include failed for another reason:"; cat /tmp/siaga-layer-up.$$; failed=1
else
  echo "ok: services cannot include api/ (No such file or directory)"
fi
rm -f /tmp/siaga-layer-down.$$ /tmp/siaga-layer-up.$$
exit $failed
