#!/usr/bin/env bash
# Installs the Debian packages the build and tests need, only those missing, with one `apt-get update`.
set -euo pipefail

packages=(libuv1-dev libcurl4-openssl-dev libssl-dev libhttp-parser-dev libmimalloc-dev pkg-config openssl curl "$@")
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
