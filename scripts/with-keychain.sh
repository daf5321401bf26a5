#!/usr/bin/env sh
# Runs a command with a private D-Bus session bus and an unlocked gnome-keyring, so @napi-rs/keyring
# stores and reads real secrets without touching the user's own keychain. Both daemons, and the
# keyring's temp home, end with the command: when it exits, and when this script gets Ctrl+C or SIGTERM
# (passed on to the command as SIGTERM). The command's exit code is this script's.
set -eu
for bin in dbus-daemon dbus-send gnome-keyring-daemon; do
  if ! command -v "$bin" >/dev/null; then
    echo "$bin is needed: run scripts/install-system-packages.sh" >&2
    exit 1
  fi
done

KEYRING_HOME=$(mktemp -d)
export SM_REAL_HOME="${HOME:-}"
export HOME="$KEYRING_HOME" XDG_DATA_HOME="$KEYRING_HOME/.local/share" XDG_CONFIG_HOME="$KEYRING_HOME/.config"
# The keyring's control socket lives in the runtime dir: a private one keeps two runs side by side
# (a developer's and CI's) from reaching each other's keyring.
export XDG_RUNTIME_DIR="$KEYRING_HOME/run"
mkdir -m 700 "$XDG_RUNTIME_DIR"
bus_pid=''
keyring_pid=''
child=''
cleanup() {
  [ -n "$keyring_pid" ] && kill "$keyring_pid" 2>/dev/null && wait "$keyring_pid" 2>/dev/null
  [ -n "$bus_pid" ] && kill "$bus_pid" 2>/dev/null
  rm -rf "$KEYRING_HOME"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The bus: its address and PID, one per line.
bus=$(dbus-daemon --session --fork --print-address=1 --print-pid=1)
DBUS_SESSION_BUS_ADDRESS=$(printf '%s\n' "$bus" | grep '=')
bus_pid=$(printf '%s\n' "$bus" | grep -v '=')
export DBUS_SESSION_BUS_ADDRESS

printf %s session-manager-test | gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null 2>&1 &
keyring_pid=$!
# Wait (up to 10 s) until the keyring serves the Secret Service on the bus.
tries=0
until dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
  org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q "boolean true"; do
  tries=$((tries + 1))
  if [ "$tries" -gt 100 ]; then
    echo "gnome-keyring-daemon did not start" >&2
    exit 1
  fi
  sleep 0.1
done

# In the background so a signal to this script is handled at once: it is passed on as SIGTERM.
"$@" 0<&0 &
child=$!
trap 'kill -TERM "$child" 2>/dev/null' INT TERM
status=0
wait "$child" || status=$?
while kill -0 "$child" 2>/dev/null; do
  status=0
  wait "$child" || status=$?
done
exit "$status"
