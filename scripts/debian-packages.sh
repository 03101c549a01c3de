#!/usr/bin/env bash
# Installs the Debian packages the tests use when run as root; otherwise names the missing ones.
set -euo pipefail
packages=(
  postgresql                 # PostgreSQL server for the database tests
  prometheus                 # prometheus and promtool
  prometheus-alertmanager    # Alertmanager firing at the collector
  prometheus-pushgateway     # benchmark anchor
  prometheus-node-exporter   # benchmark anchor
  cloc                       # benchmark anchor
  chromium                   # browser tests
  chromium-driver
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "Missing Debian packages (run 'make test' as root, or: sudo apt-get install ${missing[*]})." >&2
  if [ "${CI:-}" = "true" ]; then exit 1; fi
fi
