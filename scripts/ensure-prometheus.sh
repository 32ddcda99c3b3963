#!/usr/bin/env bash
# The monitoring tests run Debian's Prometheus (promtool checks the metrics, rules and config; the e2e
# spec scrapes a server with it): install the `prometheus` package when either binary is missing.
set -euo pipefail
prometheus="${PROMETHEUS_PATH:-/usr/bin/prometheus}"
promtool="${PROMTOOL_PATH:-/usr/bin/promtool}"
if [ -x "$prometheus" ] && [ -x "$promtool" ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "Prometheus is missing ($prometheus, $promtool); install it with: sudo apt-get install -y prometheus" >&2
  exit 1
fi
echo "Installing Debian's prometheus for the monitoring tests…"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# --no-install-recommends: the binaries only (no node exporter); the package's service is not started here.
apt-get install -y -qq --no-install-recommends prometheus > /dev/null
"$promtool" --version | head -1
