import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ec2HostFlags, runCli, tempConfigPath } from '../../helpers/cli.js';
import { MemorySecrets } from '../../helpers/memory-secrets.js';

/** What every command shares: --version, one JSON error shape, and exit codes a script can rely on. */

const secrets = new MemorySecrets();

const version = (
  JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

describe('CLI conventions', () => {
  it('--version prints the package version', async () => {
    for (const flag of ['--version', '-V']) {
      const result = await runCli([flag], { configPath: tempConfigPath(), secrets });
      expect(result).toMatchObject({ code: 0, stdout: `${version}\n` });
    }
  });

  it('`config validate` fails on a missing file instead of calling it valid', async () => {
    const configPath = tempConfigPath();
    const result = await runCli(['config', 'validate'], { configPath, secrets });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`there is no config file at ${configPath}`);
  });

  it('every failure under --json is one shape on stdout: a bad file, a bad id, a usage error', async () => {
    const configPath = tempConfigPath();
    writeFileSync(configPath, JSON.stringify({ version: 1, hosts: [{ id: 'x' }] }));
    const invalid = await runCli(['config', 'validate', '--json'], { configPath, secrets });
    expect(invalid.code).toBe(2);
    const body = JSON.parse(invalid.stdout);
    expect(body).toMatchObject({
      ok: false,
      error: { exitCode: 2, message: expect.stringContaining(configPath) },
    });
    expect(body.error.problems.length).toBeGreaterThan(0);
    expect(body.error.problems.join('\n')).toContain('hosts.0');

    const fresh = tempConfigPath();
    const missingHost = await runCli(['host', 'remove', 'nope', '--yes', '--json'], {
      configPath: fresh,
      secrets,
    });
    expect(missingHost.code).toBe(2);
    expect(JSON.parse(missingHost.stdout)).toEqual({
      ok: false,
      error: { message: 'no host "nope"', exitCode: 2 },
    });

    const usage = await runCli(['host', 'test', '--json'], { configPath: fresh, secrets });
    expect(usage.code).toBe(2);
    expect(JSON.parse(usage.stdout)).toMatchObject({ ok: false, error: { exitCode: 2 } });
  });
});

describe('policy get | set', () => {
  it('reads and writes every policy setting, validated as the file is', async () => {
    const configPath = tempConfigPath();
    const cli = (argv: string[]) => runCli(argv, { configPath, secrets });
    const defaults = JSON.parse((await cli(['policy', 'get', '--json'])).stdout);
    expect(defaults).toMatchObject({ strategy: 'balanced', maxHostsOn: 10, prewarm: true });
    // Unset: break-even idle and the billed first minute.
    expect(defaults.idleGraceMinutes).toBeUndefined();
    expect((await cli(['policy', 'get'])).stdout).toMatch(/^idleGraceMinutes\s+\(not set\)$/m);

    const set = await cli(['policy', 'set', 'idleGraceMinutes', '5', 'prewarm', 'false', 'maxHostsOn', '3']);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toContain('idleGraceMinutes = 5, prewarm = false, maxHostsOn = 3');
    expect(JSON.parse(readFileSync(configPath, 'utf8')).policy).toMatchObject({
      idleGraceMinutes: 5,
      prewarm: false,
      maxHostsOn: 3,
    });
    const strategy = await cli(['policy', 'set', 'strategy', 'speed', 'idleGraceMinutes', 'null']);
    expect(strategy.code, strategy.stderr).toBe(0);
    expect(JSON.parse(readFileSync(configPath, 'utf8')).policy).toMatchObject({ strategy: 'speed' });
    expect(JSON.parse(readFileSync(configPath, 'utf8')).policy.idleGraceMinutes).toBeUndefined();
    const badStrategy = await cli(['policy', 'set', 'strategy', 'fastest']);
    expect(badStrategy.code).toBe(2);
    expect(badStrategy.stderr).toContain('policy.strategy');
    expect((await cli(['policy', 'get', 'maxHostsOn'])).stdout.trim()).toMatch(/^maxHostsOn\s+3$/);

    const window = [{ days: ['mon'], from: '08:00', to: '09:00' }];
    const keepWarm = await cli(['policy', 'set', 'keepWarm', JSON.stringify(window)]);
    expect(keepWarm.code, keepWarm.stderr).toBe(0);

    // Refused values and names change nothing.
    const before = readFileSync(configPath, 'utf8');
    const negative = await cli(['policy', 'set', 'idleGraceMinutes', '-1']);
    expect(negative.code).toBe(2);
    expect(negative.stderr).toContain('policy.idleGraceMinutes');
    const unknown = await cli(['policy', 'set', 'idleGrace', '5']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no policy setting "idleGrace"');
    expect((await cli(['policy', 'set', 'maxHostsOn'])).code).toBe(2);
    expect(readFileSync(configPath, 'utf8')).toBe(before);
  });
});

describe('power-only hosts', () => {
  it('need no session password; an RDP runner on one is refused with what to do; a password can come later', async () => {
    const configPath = tempConfigPath();
    const cli = (argv: string[], stdin?: string) =>
      runCli(argv, { configPath, secrets, ...(stdin !== undefined ? { stdin } : {}) });
    const added = await cli(['host', 'add', ...ec2HostFlags('pw-less'), '--power-only']);
    expect(added.code, added.stderr).toBe(0);
    const saved = JSON.parse(readFileSync(configPath, 'utf8')).hosts[0];
    expect(saved.password).toBeUndefined();

    expect(
      (await cli(['runner', 'attach', '--id', 'r-console', '--host', 'pw-less', '--session-mode', 'console']))
        .code,
    ).toBe(0);
    const rdp = await cli([
      'runner',
      'attach',
      '--id',
      'r-rdp',
      '--host',
      'pw-less',
      '--session-mode',
      'rdp',
    ]);
    expect(rdp.code).toBe(2);
    expect(rdp.stderr).toContain('has no session password');
    expect(rdp.stderr).toContain('console');

    // Given a password later, the RDP runner is accepted; --power-only takes it away again (and from the keychain).
    expect((await cli(['host', 'edit', 'pw-less', '--password-stdin'], 'S3ssion-pw\n')).code).toBe(0);
    expect(await secrets.get('host-password:pw-less')).toBe('S3ssion-pw');
    expect(
      (await cli(['runner', 'attach', '--id', 'r-rdp', '--host', 'pw-less', '--session-mode', 'rdp'])).code,
    ).toBe(0);
    expect((await cli(['runner', 'release', 'r-rdp'])).code).toBe(0);
    expect((await cli(['host', 'edit', 'pw-less', '--power-only'])).code).toBe(0);
    expect(JSON.parse(readFileSync(configPath, 'utf8')).hosts[0].password).toBeUndefined();
    expect(await secrets.get('host-password:pw-less')).toBeUndefined();
  });
});

describe('an AWS access key shared by hosts', () => {
  it('stores its secret once, under the key id; the second host uses it; it goes with the last host', async () => {
    const configPath = tempConfigPath();
    const keys = new MemorySecrets();
    const cli = (argv: string[], env: NodeJS.ProcessEnv = {}) =>
      runCli(argv, { configPath, secrets: keys, env });
    const add = (id: string, env: NodeJS.ProcessEnv = {}) =>
      cli(
        [
          'host',
          'add',
          ...ec2HostFlags(id),
          '--aws-credentials',
          'keychain',
          '--aws-access-key-id',
          'AKIASHAREDKEY0000001',
          '--power-only',
        ],
        env,
      );
    expect((await add('ec2-a', { SESSION_MANAGER_AWS_SECRET_ACCESS_KEY: 'shared-secret' })).code).toBe(0);
    const second = await add('ec2-b'); // no secret given, no terminal: the stored one is used
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toContain('Using the stored secret of access key AKIASHAREDKEY0000001 (host ec2-a');
    const refs = JSON.parse(readFileSync(configPath, 'utf8')).hosts.map(
      (host: { aws: { secretAccessKey: string } }) => host.aws.secretAccessKey,
    );
    expect(refs).toEqual(['aws-secret:AKIASHAREDKEY0000001', 'aws-secret:AKIASHAREDKEY0000001']);
    expect([...keys.values.keys()].filter((ref) => ref.startsWith('aws-secret:'))).toEqual([
      'aws-secret:AKIASHAREDKEY0000001',
    ]);

    expect((await cli(['host', 'remove', 'ec2-a', '--yes'])).code).toBe(0);
    expect(await keys.get('aws-secret:AKIASHAREDKEY0000001')).toBe('shared-secret');
    expect((await cli(['host', 'remove', 'ec2-b', '--yes'])).code).toBe(0);
    expect(await keys.get('aws-secret:AKIASHAREDKEY0000001')).toBeUndefined();
  });
});
