#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages the tests use as real peers: a keychain (gnome-keyring on D-Bus),
# RDP servers (xrdp for TLS, FreeRDP's shadow server for NLA), Xvfb, Chromium for the UI tests, and
# systemd-creds (package systemd) for the headless secrets, and PostgreSQL (throw-away clusters for
# the scale-out tests; the package's own cluster is not used).
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
  ca-certificates openssl dbus dbus-x11 gnome-keyring libsecret-tools \
  xvfb xauth xterm x11-utils \
  xrdp xorgxrdp ssl-cert \
  freerdp2-x11 freerdp2-shadow-x11 winpr-utils \
  chromium fonts-dejavu-core \
  postgresql \
  imagemagick procps psmisc systemd >/dev/null
# xrdp reads its TLS key from the ssl-cert group's snakeoil pair.
$SUDO adduser --quiet xrdp ssl-cert >/dev/null 2>&1 || true
echo "system packages installed"
