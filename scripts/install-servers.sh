#!/usr/bin/env bash
# Installs Debian's Redis and PostgreSQL servers for the scaled layout and its tests (issue 15),
# the way install-chromium.sh installs the browser: only when missing. Nothing is started or
# enabled here: the tests and `make run-scaled` start private instances in temporary folders on
# loopback ports (Debian's own services are stopped and disabled if the install started them).
set -euo pipefail
need=()
command -v redis-server >/dev/null || [ -x /usr/bin/redis-server ] || need+=(redis-server)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
[ ${#need[@]} -eq 0 ] && exit 0
SUDO=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "${need[*]} saknas och kan inte installeras utan root: kör 'apt-get install ${need[*]}'." >&2; exit 1; }
  SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# policy-rc.d 101: the packages' own services are not started by the install (no Redis on 6379
# with Debian's default persistence, no cluster on 5432).
cleanup_policy=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  cleanup_policy=1
fi
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
[ -n "$cleanup_policy" ] && $SUDO rm -f /usr/sbin/policy-rc.d
exit 0
