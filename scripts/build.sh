#!/usr/bin/env bash
# Configures (once) and builds into build/: everything, or the targets given as arguments.
# ASTRA_WERROR=1 makes warnings errors (CI).
set -euo pipefail
cd "$(dirname "$0")/.."
werror=OFF
[ "${ASTRA_WERROR:-0}" = "1" ] && werror=ON
if [ ! -f build/CMakeCache.txt ] || ! grep -q "ASTRA_WARNINGS_AS_ERRORS:BOOL=$werror" build/CMakeCache.txt; then
  cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DASTRA_WARNINGS_AS_ERRORS=$werror >/dev/null
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
