import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigStore } from '../../../src-main/config/config-store.js';
import { configSchema } from '../../../src-main/config/schema.js';
import { PostgresLeaseBoard } from '../../../src-main/coordination/postgres-lease-board.js';
import { startService } from '../../../src-main/service/service.js';
import { InMemorySessionDriver } from '../../fakes/in-memory-sessions.js';
import { eventually } from '../../helpers/eventually.js';
import { MemorySecrets } from '../../helpers/memory-secrets.js';
import { startPostgres, type Postgres } from '../../helpers/postgres.js';

/** The service with `coordination`: it holds the fleet's hosts through PostgreSQL and gives them back at stop. */
let database: Postgres;
let dir: string;
beforeAll(async () => {
  database = await startPostgres();
  dir = mkdtempSync(path.join(tmpdir(), 'sm-coord-'));
});
afterAll(async () => {
  await database?.destroy();
  rmSync(dir, { recursive: true, force: true });
});

function writeConfig(configPath: string): void {
  new ConfigStore(configPath).save(
    configSchema.parse({
      version: 1,
      hosts: ['bot-01', 'bot-02'].map((id) => ({
        id,
        address: '127.0.0.1:1',
        protocol: 'rdp',
        user: 'bot',
        password: `host-password:${id}`,
      })),
      runners: [
        { id: 'fin-01', host: 'bot-01' },
        { id: 'fin-02', host: 'bot-02' },
      ],
      notifications: { desktop: false, orchestratorAlerts: false },
      coordination: { postgres: { url: database.url }, leaseSeconds: 3 },
    }),
  );
}

describe('the service sharing its fleet through PostgreSQL', { timeout: 60_000 }, () => {
  it('holds the hosts through leases while it runs, and gives them back when it stops', async () => {
    const configPath = path.join(dir, 'config.json');
    writeConfig(configPath);
    const secrets = new MemorySecrets();
    await secrets.set('coordination-password:main', database.password);
    const service = await startService({
      configPath,
      dataDir: path.join(dir, 'data'),
      logFile: path.join(dir, 'logs', 'session-manager.log'),
      logToStdout: false,
      api: false,
      secrets,
      sessions: new InMemorySessionDriver(() => Date.now()),
      intervalMs: 500,
    });
    const pgUrl = new URL(database.url);
    pgUrl.password = database.password;
    const reader = new PostgresLeaseBoard({
      url: database.url,
      password: database.password,
      instanceId: 'reader',
      ttlMs: 3_000,
    });
    try {
      const fleet = await eventually(async () => {
        const read = await reader.fleet();
        return read.leases.length === 2 ? read : undefined;
      }, 'both hosts leased');
      expect(new Set(fleet.leases.map((lease) => lease.holder)).size).toBe(1);
      expect(fleet.instances).toHaveLength(1);
      // The state shows the hosts it holds.
      await eventually(() => service.reconciler.state().hosts.length === 2, 'both hosts in the state');
      // Its history is kept in the shared database (it made the tables there), not in a file of its own.
      const client = new pg.Client({ connectionString: pgUrl.toString() });
      await client.connect();
      const tables = await client.query<{ name: string | null }>(
        `select to_regclass('power_intervals')::text as name`,
      );
      await client.end();
      expect(tables.rows).toEqual([{ name: 'power_intervals' }]);
      expect(existsSync(path.join(dir, 'data', 'history.sqlite'))).toBe(false);
    } finally {
      await service.stop();
    }
    expect((await reader.fleet()).leases).toEqual([]);
    await reader.close();
  });

  it('does not start without the database password in the keychain', async () => {
    const configPath = path.join(dir, 'config-2.json');
    writeConfig(configPath);
    const started = startService({
      configPath,
      dataDir: path.join(dir, 'data-2'),
      logFile: path.join(dir, 'logs', 'session-manager-2.log'),
      logToStdout: false,
      api: false,
      secrets: new MemorySecrets(),
      sessions: new InMemorySessionDriver(() => Date.now()),
    });
    await expect(started).rejects.toThrow(
      /PostgreSQL password is not in the keychain \(coordination-password:main\)/,
    );
  });
});
