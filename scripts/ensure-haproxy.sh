#!/usr/bin/env bash
# The replica suite (e2e/replicas) puts Debian's haproxy in front of the servers, and the benchmarks
# load them with wrk: install the packages when either binary is missing.
set -euo pipefail
if command -v haproxy >/dev/null && command -v wrk >/dev/null; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "haproxy or wrk is missing; install them with: sudo apt-get install -y haproxy wrk" >&2
  exit 1
fi
echo "Installing Debian's haproxy and wrk for the replica tests and benchmarks…"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends haproxy wrk > /dev/null
# The package's own service is not what the tests use.
command -v service >/dev/null && (service haproxy stop 2>/dev/null || true)
haproxy -v | head -1
