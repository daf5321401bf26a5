import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigStore } from '../../../src-main/config/config-store.js';
import { configSchema } from '../../../src-main/config/schema.js';
import { runCli, tempConfigPath } from '../../helpers/cli.js';
import { startShadowServer, type ShadowServer } from '../../helpers/rdp-servers.js';

describe('session-manager host trust', { timeout: 60_000 }, () => {
  let shadow: ShadowServer;
  let configPath: string;
  beforeAll(async () => {
    shadow = await startShadowServer();
    configPath = tempConfigPath();
    new ConfigStore(configPath).save(
      configSchema.parse({
        version: 1,
        hosts: [
          {
            id: 'bot-01',
            address: `127.0.0.1:${shadow.port}`,
            protocol: 'rdp',
            user: 'smrdpbot',
            password: 'host-password:bot-01',
          },
        ],
      }),
    );
  });
  afterAll(async () => {
    await shadow?.stop();
  });
  const pinned = () => new ConfigStore(configPath).load().hosts[0]?.certificate;

  it('connects, shows the presented fingerprint and pins it', async () => {
    const result = await runCli(['host', 'trust', 'bot-01', '--json'], { configPath });
    expect(result.code).toBe(0);
    const reply = JSON.parse(result.stdout) as { certificate: string; changed: boolean; source: string };
    expect(reply).toMatchObject({ source: 'presented', changed: true });
    expect(reply.certificate).toMatch(/^[0-9a-f]{64}$/);
    expect(pinned()).toBe(reply.certificate);

    const again = await runCli(['host', 'trust', 'bot-01'], { configPath });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already trusted');
    expect(again.stdout).toMatch(/([0-9A-F]{2}:){31}[0-9A-F]{2}/);
  });

  it('pins a pasted fingerprint (colons allowed) and rejects a malformed one', async () => {
    const pasted = 'AB:'.repeat(31) + 'CD';
    const ok = await runCli(['host', 'trust', 'bot-01', '--fingerprint', pasted], { configPath });
    expect(ok.code).toBe(0);
    expect(pinned()).toBe('ab'.repeat(31) + 'cd');

    const bad = await runCli(['host', 'trust', 'bot-01', '--fingerprint', 'xyz'], { configPath });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('SHA-256');
    expect(pinned()).toBe('ab'.repeat(31) + 'cd');
  });

  it('names an unknown host and an unreachable one', async () => {
    const unknown = await runCli(['host', 'trust', 'nope'], { configPath });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no host with id "nope"');

    await shadow.kill();
    const down = await runCli(['host', 'trust', 'bot-01'], { configPath });
    expect(down.code).toBe(4);
    expect(down.stderr).toContain('cannot reach');
    await shadow.start();
  });
});
