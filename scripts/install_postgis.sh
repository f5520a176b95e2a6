#!/usr/bin/env bash
# Install Debian's PostgreSQL 15 with PostGIS 3 for the register's PostGIS tests.
# Idempotent: returns at once when initdb and the PostGIS extension are present (any PostgreSQL version).
# Needs root (as on CI) or sudo (see apt_install.sh).
# The tests start a throwaway cluster under a temporary folder; nothing here starts a server.
set -euo pipefail

need=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql-15)
ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1 || need+=(postgresql-15-postgis-3)
exec bash "$(dirname "$0")/apt_install.sh" --as install_postgis.sh \
    --else "the PostGIS register tests will be skipped" "${need[@]}"
