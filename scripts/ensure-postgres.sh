#!/usr/bin/env bash
# The PostgreSQL suites start a throwaway cluster of Debian's PostgreSQL 15 (scripts/pg/cluster.ts):
# install the `postgresql` package when its binaries are missing. Nothing is started here (the
# package's own cluster is stopped again if apt started it); the tests run their own.
set -euo pipefail
bin="${PG_BIN:-/usr/lib/postgresql/15/bin}"
if [ -x "$bin/initdb" ] && [ -x "$bin/pg_ctl" ] && [ -x "$bin/pg_dump" ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "PostgreSQL 15 is missing ($bin); install it with: sudo apt-get install -y postgresql-15" >&2
  exit 1
fi
echo "Installing Debian's PostgreSQL 15 for the PostgreSQL tests…"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends postgresql-15 postgresql-client-15 > /dev/null
# The package creates and may start a cluster of its own: the tests never use it.
command -v pg_ctlcluster >/dev/null && (pg_ctlcluster 15 main stop 2>/dev/null || true)
"$bin/postgres" --version
