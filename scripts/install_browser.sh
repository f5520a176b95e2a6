#!/usr/bin/env bash
# Install Debian's Chromium and the Noto CJK fonts for the browser tests and PNG export.
# Idempotent: returns at once when both are present. Needs root (as on CI) or sudo (see apt_install.sh).
set -euo pipefail

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
need+=(fonts-noto-cjk)  # apt_install.sh leaves it alone when dpkg lists it installed
exec bash "$(dirname "$0")/apt_install.sh" --as install_browser.sh --else "the browser tests will be skipped" "${need[@]}"
