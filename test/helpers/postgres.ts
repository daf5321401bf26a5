import { execFileSync, spawnSync } from 'node:child_process';
import {
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isAlive } from './rdp-servers.js';
import { eventually } from './eventually.js';
import { freePort } from './rdp-servers.js';

/**
 * A throw-away PostgreSQL cluster from Debian's `postgresql` package, on 127.0.0.1 and a free port,
 * for one test file: its own data folder, a superuser with a password (scram-sha-256, so the password
 * is really checked), stopped by its data folder and its PID, folder removed.
 */
export interface Postgres {
  port: number;
  user: string;
  password: string;
  /** Without the password: the product reads it from the keychain. */
  url: string;
  /** The server's PID (postmaster.pid). */
  pid(): number;
  /** Stops the server (fast shutdown); `start()` brings it back on the same port and data. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it and removes everything. */
  destroy(): Promise<void>;
}

const USER = 'sm';

function binDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(path.join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0)
    throw new Error('PostgreSQL is not installed (no initdb): run scripts/install-system-packages.sh');
  return path.join(root, versions[0]!, 'bin');
}

/** initdb refuses to run as root: run the server's tools as the `postgres` user then. */
function asServerUser(command: string, args: string[]): void {
  const root = process.getuid?.() === 0;
  const result = root
    ? spawnSync('runuser', ['-u', 'postgres', '--', command, ...args], { encoding: 'utf8' })
    : spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0)
    throw new Error(`${path.basename(command)} failed (${result.status}): ${result.stderr || result.stdout}`);
}

export async function startPostgres(): Promise<Postgres> {
  const bin = binDir();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sm-postgres-'));
  const data = path.join(dir, 'data');
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  const pwfile = path.join(dir, 'pwfile');
  writeFileSync(pwfile, `${password}\n`);
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
    chownSync(pwfile, uid, gid);
  }
  asServerUser(path.join(bin, 'initdb'), [
    '-D',
    data,
    '-U',
    USER,
    '-A',
    'scram-sha-256',
    `--pwfile=${pwfile}`,
    '--no-sync',
  ]);
  const port = await freePort();
  const pg: Postgres = {
    port,
    user: USER,
    password,
    url: `postgres://${USER}@127.0.0.1:${port}/postgres`,
    pid: () => Number(readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n')[0]),
    async start() {
      asServerUser(path.join(bin, 'pg_ctl'), [
        '-D',
        data,
        '-o',
        `-k ${dir} -c listen_addresses=127.0.0.1 -p ${port} -c fsync=off`,
        '-l',
        path.join(dir, 'log'),
        '-w',
        'start',
      ]);
    },
    async stop() {
      if (!existsSync(path.join(data, 'postmaster.pid'))) return;
      const pid = pg.pid();
      asServerUser(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']);
      await eventually(() => !isAlive(pid), `PostgreSQL (PID ${pid}) to exit`);
    },
    async destroy() {
      await pg.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await pg.start();
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return pg;
}
