#!/usr/bin/env bash
# Installs the Debian 12 packages the build needs, only those missing. Quiet when all is there.
set -euo pipefail
packages=(build-essential cmake libboost1.81-dev nlohmann-json3-dev libyaml-cpp-dev libssl-dev
          libsqlite3-dev zlib1g-dev libsimdjson-dev libgtest-dev libgmock-dev libbenchmark-dev
          ca-certificates openssl)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
