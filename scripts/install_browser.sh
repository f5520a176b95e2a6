#!/usr/bin/env bash
# Install Debian's Chromium and the Noto CJK fonts for the browser tests and PNG export.
# Idempotent: returns at once when both are present. Needs root (as on CI) or sudo.
set -euo pipefail

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need+=(fonts-noto-cjk)
if [ ${#need[@]} -eq 0 ]; then
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    else
        echo "install_browser.sh: need root to apt-get install ${need[*]}; the browser tests will be skipped" >&2
        exit 0
    fi
fi
echo "install_browser.sh: installing ${need[*]} (Debian packages)"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
command -v chromium >/dev/null 2>&1
