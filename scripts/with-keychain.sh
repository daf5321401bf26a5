#!/usr/bin/env sh
# Runs a command inside a private D-Bus session with an unlocked gnome-keyring, so @napi-rs/keyring
# stores and reads real secrets without touching the user's own keychain.
set -eu
if ! command -v dbus-run-session >/dev/null || ! command -v gnome-keyring-daemon >/dev/null; then
  echo "dbus-run-session and gnome-keyring-daemon are needed: run scripts/install-system-packages.sh" >&2
  exit 1
fi
KEYRING_HOME=$(mktemp -d)
export SM_REAL_HOME="${HOME:-}"
exec env HOME="$KEYRING_HOME" XDG_DATA_HOME="$KEYRING_HOME/.local/share" XDG_CONFIG_HOME="$KEYRING_HOME/.config" \
  dbus-run-session -- sh -c 'echo -n session-manager-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null; exec "$@"' sh "$@"
