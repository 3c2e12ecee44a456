#!/usr/bin/env bash
# Configures (once) and builds into build/. ASTRA_WERROR=1 makes warnings errors (CI).
set -euo pipefail
cd "$(dirname "$0")/.."
werror=OFF
[ "${ASTRA_WERROR:-0}" = "1" ] && werror=ON
if [ ! -f build/CMakeCache.txt ] || ! grep -q "ASTRA_WARNINGS_AS_ERRORS:BOOL=$werror" build/CMakeCache.txt; then
  cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DASTRA_WARNINGS_AS_ERRORS=$werror >/dev/null
fi
cmake --build build -j"$(nproc)" -- --no-print-directory 2>&1 | grep -vE '^\[ *[0-9]+%\]|^-- ' || true
test "${PIPESTATUS[0]}" -eq 0
