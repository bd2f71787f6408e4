#!/usr/bin/env bash
# Installs Debian's Chromium and ChromeDriver for the browser tests (the test tool's own browser
# download cannot work on a closed network; Debian's packages can).
set -euo pipefail
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then exit 0; fi
SUDO=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "Chromium saknas och kan inte installeras utan root: kör 'apt-get install chromium chromium-driver'." >&2; exit 1; }
  SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq chromium chromium-driver >/dev/null
