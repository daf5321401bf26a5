import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { eventually } from '../../helpers/eventually.js';
import { isAlive } from '../../helpers/rdp-servers.js';
import { repoRoot } from '../../helpers/service-process.js';

/**
 * scripts/with-keychain.sh (the test command's and the demo's private keychain) stops its D-Bus and
 * gnome-keyring daemons with the command it wraps: when the command ends and when it is terminated.
 */

// Prints the PIDs of the session bus and of the keyring daemon serving the Secret Service, then runs `then`.
const reportDaemons = (then: string) =>
  `for name in org.freedesktop.DBus org.freedesktop.secrets; do
     dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \\
       org.freedesktop.DBus.GetConnectionUnixProcessID string:$name | awk '/uint32/ {print "pid", $2}'
   done; ${then}`;

function runWrapped(script: string) {
  const child = spawn('sh', ['scripts/with-keychain.sh', 'sh', '-c', script], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const pids = () => [...output.matchAll(/^pid (\d+)$/gm)].map((match) => Number(match[1]));
  return { child, exited, pids };
}

describe('scripts/with-keychain.sh', () => {
  it('leaves no daemon behind when the command ends, and passes its exit code on', async () => {
    const run = runWrapped(reportDaemons('exit 7'));
    expect(await run.exited).toBe(7);
    const [bus, keyring] = run.pids();
    expect(bus).toBeGreaterThan(0);
    expect(keyring).toBeGreaterThan(0);
    await eventually(() => !isAlive(bus!) && !isAlive(keyring!), 'the bus and the keyring daemon gone');
  });

  it('leaves no daemon behind when it is terminated', async () => {
    const run = runWrapped(reportDaemons('sleep 60'));
    const [bus, keyring] = await eventually(
      () => (run.pids().length === 2 ? run.pids() : undefined),
      'the PIDs',
    );
    expect(isAlive(bus!) && isAlive(keyring!)).toBe(true);
    run.child.kill('SIGTERM');
    await run.exited;
    await eventually(() => !isAlive(bus!) && !isAlive(keyring!), 'the bus and the keyring daemon gone');
  });
});
