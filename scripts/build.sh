#!/usr/bin/env bash
# Configures build/ (once) and builds everything, or the targets given as arguments.
# ASTRA_WERROR=1 makes warnings errors (CI); otherwise an existing configuration is kept as it is.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f build/CMakeCache.txt ]; then
  werror=OFF
  [ "${ASTRA_WERROR:-0}" = "1" ] && werror=ON
  cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DASTRA_WARNINGS_AS_ERRORS=$werror >/dev/null
elif [ "${ASTRA_WERROR:-0}" = "1" ] && ! grep -q "ASTRA_WARNINGS_AS_ERRORS:BOOL=ON" build/CMakeCache.txt; then
  cmake -S . -B build -DASTRA_WARNINGS_AS_ERRORS=ON >/dev/null
fi
args=()
for t in "$@"; do args+=(--target "$t"); done
# Progress lines and Boost's deprecation notes are noise; errors and warnings still show.
set +e
cmake --build build -j"$(nproc)" "${args[@]}" 2>&1 |
  grep -vE '^\[ *[0-9]+%\]|^gmake|BOOST_BEAST_USE_STD_STRING_VIEW|BOOST_PRAGMA_MESSAGE|^ +[0-9]+ \| |^ +\| +\^|^In file included|^ +from '
status=${PIPESTATUS[0]}
set -e
exit "$status"
