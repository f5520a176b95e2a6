#!/usr/bin/env bash
# Install the Debian packages among PKG... that are not installed yet.
#   usage: apt_install.sh [--as NAME] [--else TEXT] PKG...
# Idempotent: a package `dpkg -s` reports installed is left alone, and with none missing it returns at once
# (no apt-get update). Otherwise one `apt-get update`, then one non-interactive `apt-get install`, then every
# package is checked installed. Needs root (as on CI) or sudo; without either it says what it could not install
# (and TEXT, what follows from that) on stderr and exits 0. NAME prefixes its messages (the calling script's name).
set -euo pipefail

who="apt_install.sh"
otherwise=""
while [ $# -gt 0 ]; do
    case "$1" in
        --as) who="$2"; shift 2 ;;
        --else) otherwise="; $2"; shift 2 ;;
        --) shift; break ;;
        -*) echo "apt_install.sh: unknown option $1 (usage: apt_install.sh [--as NAME] [--else TEXT] PKG...)" >&2; exit 2 ;;
        *) break ;;
    esac
done

installed() {
    dpkg -s "$1" 2>/dev/null | grep -q '^Status: install ok installed'
}

need=()
for pkg in "$@"; do
    installed "$pkg" || need+=("$pkg")
done
if [ ${#need[@]} -eq 0 ]; then
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    else
        echo "$who: need root to apt-get install ${need[*]}$otherwise" >&2
        exit 0
    fi
fi
echo "$who: installing ${need[*]} (Debian packages)"
$SUDO apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
for pkg in "${need[@]}"; do
    installed "$pkg" || { echo "$who: $pkg is still not installed" >&2; exit 1; }
done
