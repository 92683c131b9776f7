#!/usr/bin/env sh
# Make sure Debian's Chromium is at /usr/bin/chromium for the explorer's browser test
# (tests/e2e/test_explorer.py drives it with Playwright; never `playwright install`).
set -eu
if [ -x /usr/bin/chromium ]; then
    exit 0
fi
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
echo "ensure-chromium: /usr/bin/chromium is missing; installing Debian's chromium package" >&2
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y chromium
