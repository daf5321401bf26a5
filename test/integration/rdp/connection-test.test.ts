import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRdpLogon } from '../../../src-main/drivers/session/rdp/logon-check.js';
import {
  ensureTestUser,
  startShadowServer,
  startXrdp,
  TEST_PASSWORD,
  TEST_USER,
  type ShadowServer,
  type XrdpServer,
} from '../../helpers/rdp-servers.js';
import { runCli, tempConfigPath } from '../../helpers/cli.js';
import { MemorySecrets } from '../../helpers/memory-secrets.js';

/**
 * "Test connection" logs on, on real servers: NLA answers with the CredSSP outcome, and on a TLS-only
 * xrdp the first frames tell a desktop from xrdp's login window. Never "passed" on an open port alone.
 */

const limits = { timeoutMs: 30_000, logonSettleMs: 3_000 };
const target = (port: number, user = TEST_USER, password = TEST_PASSWORD) => ({
  host: '127.0.0.1',
  port,
  user,
  password,
});

describe('RDP logon check', { timeout: 120_000 }, () => {
  let xrdp: XrdpServer;
  let shadow: ShadowServer;
  beforeAll(async () => {
    ensureTestUser();
    [xrdp, shadow] = await Promise.all([startXrdp(), startShadowServer()]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([xrdp?.stop(), shadow?.stop()]);
  });

  it('NLA: the right password logs on; a wrong one or an unknown user does not', async () => {
    expect(await checkRdpLogon(target(shadow.port), limits)).toMatchObject({
      ok: true,
      security: 'nla',
      logon: 'nla',
      detail: expect.stringContaining(`logged on as ${TEST_USER} over NLA`),
    });
    for (const [user, password] of [
      [TEST_USER, 'not-the-password'],
      ['nosuchuser', TEST_PASSWORD],
    ] as const) {
      const result = await checkRdpLogon(target(shadow.port, user, password), limits);
      expect(result).toMatchObject({ ok: false, kind: 'logon-unconfirmed' });
      expect(result.error).toContain('NLA');
    }
  });

  it('TLS (xrdp): a desktop in the first frames passes; its login window after a wrong password or user fails', async () => {
    expect(await checkRdpLogon(target(xrdp.port), limits)).toMatchObject({
      ok: true,
      security: 'tls',
      logon: 'desktop',
    });
    for (const [user, password] of [
      [TEST_USER, 'not-the-password'],
      ['nosuchuser', TEST_PASSWORD],
    ] as const) {
      const result = await checkRdpLogon(target(xrdp.port, user, password), limits);
      expect(result).toMatchObject({ ok: false, kind: 'logon-failure' });
      expect(result.error).toContain('login window');
    }
  });

  it('an open port that is not an RDP server does not pass', async () => {
    const net = await import('node:net');
    const server = net.createServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as import('node:net').AddressInfo;
    try {
      expect(await checkRdpLogon(target(port), { ...limits, timeoutMs: 5_000 })).toMatchObject({ ok: false });
    } finally {
      server.close();
    }
  });

  it('`host test` in the CLI: a wrong password fails, the password fixed with `host edit` passes', async () => {
    const configPath = tempConfigPath();
    const secrets = new MemorySecrets();
    const cli = (argv: string[], stdin?: string) =>
      runCli(argv, { configPath, secrets, ...(stdin !== undefined ? { stdin } : {}) });
    const added = await cli(
      [
        'host',
        'add',
        '--id',
        'nla-1',
        '--protocol',
        'rdp',
        '--address',
        `127.0.0.1:${shadow.port}`,
        '--user',
        TEST_USER,
        '--password-stdin',
      ],
      'not-the-password\n',
    );
    expect(added).toMatchObject({ code: 0 });

    const failed = await cli(['host', 'test', 'nla-1']);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/^RDP +failed +logon-unconfirmed: /m);
    expect(failed.stdout).toMatch(/^Cloud +not needed/m);
    expect(failed.stderr).toContain('host nla-1 did not pass');

    expect((await cli(['host', 'edit', 'nla-1', '--password-stdin'], `${TEST_PASSWORD}\n`)).code).toBe(0);
    const passed = await cli(['host', 'test', 'nla-1', '--json']);
    expect(passed.code).toBe(0);
    expect(JSON.parse(passed.stdout)).toMatchObject({
      rdp: { ok: true, security: 'nla', logon: 'nla' },
      cloud: { ok: true, skipped: true },
    });
  });
});
