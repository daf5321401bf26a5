import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * A local account for xrdp to log on (PAM), with an xterm as its desktop (needs root). Each suite and
 * the demo use accounts of their own: xrdp's shared sesman would re-attach two suites' logons of one user.
 */
export function ensureLocalUser(user: string, password: string): void {
  try {
    execFileSync('id', [user], { stdio: 'ignore' });
  } catch {
    execFileSync('useradd', ['-m', '-s', '/bin/sh', user]);
  }
  execFileSync('chpasswd', { input: `${user}:${password}\n` });
  const home = `/home/${user}`;
  mkdirSync(home, { recursive: true });
  const xsession = path.join(home, '.xsession');
  if (!existsSync(xsession)) {
    writeFileSync(xsession, 'exec xterm\n');
    execFileSync('chown', [`${user}:`, xsession]);
  }
}

/** Removes an account made by ensureLocalUser, with its home and any process left running as it. */
export function removeLocalUser(user: string): void {
  try {
    execFileSync('id', [user], { stdio: 'ignore' });
  } catch {
    return; // already gone
  }
  try {
    execFileSync('pkill', ['-KILL', '-u', user], { stdio: 'ignore' });
  } catch {
    // no process of that user: pkill says so with exit code 1
  }
  execFileSync('userdel', ['--force', '--remove', user], { stdio: 'ignore' });
}
