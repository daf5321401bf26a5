import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KeychainStore } from '../../../src-main/secrets/keychain-store.js';
import { ec2HostFlags, runCli, tempConfigPath } from '../../helpers/cli.js';

const keychain = new KeychainStore();
const ENTER = '\r';
const DOWN = '\x1b[B';
const readConfig = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

describe('host and runner commands, flag mode (no terminal)', () => {
  it('adds an EC2 host with its password from stdin into the keychain, never into the file', async () => {
    const configPath = tempConfigPath();
    const result = await runCli(
      [
        'host',
        'add',
        '--id',
        'ec2-flag',
        '--protocol',
        'aws-ec2',
        '--address',
        'bot.example.com:3390',
        '--user',
        'bot',
        '--instance-id',
        'i-0123456789abcdef0',
        '--region',
        'eu-west-1',
        '--password-stdin',
      ],
      { configPath, stdin: 'Pw-from-stdin-1\n' },
    );
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const config = readConfig(configPath);
    expect(config.hosts[0]).toMatchObject({
      id: 'ec2-flag',
      password: 'host-password:ec2-flag',
      aws: { instanceId: 'i-0123456789abcdef0' },
    });
    expect(await keychain.get('host-password:ec2-flag')).toBe('Pw-from-stdin-1');
  });

  it('adds an Azure host with a client secret from the environment', async () => {
    const configPath = tempConfigPath();
    const result = await runCli(
      [
        'host',
        'add',
        '--id',
        'az-flag',
        '--protocol',
        'azure-vm',
        '--address',
        '10.1.2.3',
        '--user',
        'bot',
        '--subscription',
        '11111111-2222-3333-4444-555555555555',
        '--resource-group',
        'rpa-rg',
        '--vm-name',
        'bot-vm-1',
        '--azure-auth',
        'client-secret',
        '--tenant-id',
        '66666666-7777-8888-9999-000000000000',
        '--client-id',
        'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
        '--json',
      ],
      {
        configPath,
        env: {
          SESSION_MANAGER_HOST_PASSWORD: 'host-pw-env',
          SESSION_MANAGER_AZURE_CLIENT_SECRET: 'client-secret-env',
        },
      },
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      id: 'az-flag',
      hasPassword: true,
      azure: { hasClientSecret: true },
    });
    expect(readConfig(configPath).hosts[0].azure.clientSecret).toBe('azure-secret:az-flag');
    expect(await keychain.get('azure-secret:az-flag')).toBe('client-secret-env');
  });

  it.each([
    [['--instance-id', 'i-nope'], '--instance-id (EC2 instance id): an EC2 instance id'],
    [['--address', 'bad host'], '--address (RDP address (host[:port])): a host name or IP address'],
    [['--region', 'Europe'], '--region (AWS region): an AWS region'],
  ])('names the bad field %j and writes nothing', async (override, message) => {
    const configPath = tempConfigPath();
    const args: Record<string, string> = {
      '--id': 'bad',
      '--protocol': 'aws-ec2',
      '--address': '10.0.0.1',
      '--user': 'bot',
      '--instance-id': 'i-0123456789abcdef0',
    };
    args[override[0]!] = override[1]!;
    const result = await runCli(['host', 'add', ...Object.entries(args).flat(), '--password-stdin'], {
      configPath,
      stdin: 'x',
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(() => readFileSync(configPath)).toThrow();
    expect(await keychain.get('host-password:bad')).toBeUndefined();
  });

  it('refuses a secret given as a plain flag and one that is missing', async () => {
    const configPath = tempConfigPath();
    const plain = await runCli(
      [
        'host',
        'add',
        '--id',
        'h',
        '--protocol',
        'rdp',
        '--address',
        '10.0.0.1',
        '--user',
        'bot',
        '--password',
        'oops',
      ],
      { configPath },
    );
    expect(plain.code).toBe(2);
    expect(plain.stderr).toContain("unknown option '--password'");
    const missing = await runCli(
      ['host', 'add', '--id', 'h', '--protocol', 'rdp', '--address', '10.0.0.1', '--user', 'bot'],
      { configPath },
    );
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--password-stdin');
  });

  it('edits, attaches, edits a runner, refuses to remove a host in use, releases and removes', async () => {
    const configPath = tempConfigPath();
    await runCli(
      [
        'host',
        'add',
        '--id',
        'rdp-1',
        '--protocol',
        'rdp',
        '--address',
        '10.0.0.1',
        '--user',
        'bot',
        '--password-stdin',
      ],
      { configPath, stdin: 'pw1' },
    );
    expect(
      (await runCli(['host', 'edit', 'rdp-1', '--max-sessions', '3', '--domain', 'CORP'], { configPath }))
        .code,
    ).toBe(0);
    expect(readConfig(configPath).hosts[0]).toMatchObject({ maxSessions: 3, domain: 'CORP' });
    expect(await keychain.get('host-password:rdp-1')).toBe('pw1'); // unchanged

    const attach = await runCli(
      [
        'runner',
        'attach',
        '--id',
        'fin-01',
        '--host',
        'rdp-1',
        '--width',
        '1280',
        '--height',
        '800',
        '--activities',
        'invoices, payroll',
      ],
      { configPath },
    );
    expect(attach.code).toBe(0);
    expect(readConfig(configPath).runners[0]).toMatchObject({
      id: 'fin-01',
      width: 1280,
      height: 800,
      activities: ['invoices', 'payroll'],
    });
    const badHost = await runCli(['runner', 'attach', '--id', 'fin-02', '--host', 'nope'], { configPath });
    expect(badHost).toMatchObject({ code: 2 });
    expect(badHost.stderr).toContain('an existing host id');

    const ownUser = await runCli(['runner', 'edit', 'fin-01', '--user', 'finbot', '--password-stdin'], {
      configPath,
      stdin: 'runner-pw',
    });
    expect(ownUser.code).toBe(0);
    expect(readConfig(configPath).runners[0]).toMatchObject({
      user: 'finbot',
      password: 'runner-password:fin-01',
    });
    expect(await keychain.get('runner-password:fin-01')).toBe('runner-pw');

    const list = await runCli(['list', 'all'], { configPath });
    expect(list.stdout).toMatch(/rdp-1\s+rdp\s+10\.0\.0\.1\s+CORP\\bot\s+3/);
    expect(list.stdout).toMatch(/fin-01\s+rdp-1\s+rdp\s+finbot\s+1280x800\s+invoices,payroll/);

    const refused = await runCli(['host', 'remove', 'rdp-1'], { configPath });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('has runners attached (fin-01)');
    expect((await runCli(['runner', 'release', 'fin-01'], { configPath })).code).toBe(0);
    expect(await keychain.get('runner-password:fin-01')).toBeUndefined();
    const unconfirmed = await runCli(['host', 'remove', 'rdp-1'], { configPath });
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toContain('pass --yes to confirm in a script');
    expect(readConfig(configPath).hosts).toHaveLength(1);
    expect((await runCli(['host', 'remove', 'rdp-1', '--yes'], { configPath })).code).toBe(0);
    expect(readConfig(configPath)).toMatchObject({ hosts: [], runners: [] });
    expect(await keychain.get('host-password:rdp-1')).toBeUndefined();
  });

  it('edits write through ConfigWriter: a secret no longer used leaves the keychain, a kept one stays', async () => {
    const configPath = tempConfigPath();
    const add = await runCli(
      [
        'host',
        'add',
        ...ec2HostFlags('ec2-keys'),
        '--aws-credentials',
        'keychain',
        '--aws-access-key-id',
        'AKIAEXAMPLEEXAMPLE12',
        '--password-stdin',
      ],
      { configPath, stdin: 'pw', env: { SESSION_MANAGER_AWS_SECRET_ACCESS_KEY: 'aws-secret-value' } },
    );
    expect(add.code, add.stderr).toBe(0);
    expect(readConfig(configPath).hosts[0].aws.secretAccessKey).toBe('aws-secret:AKIAEXAMPLEEXAMPLE12');
    expect(await keychain.get('aws-secret:AKIAEXAMPLEEXAMPLE12')).toBe('aws-secret-value');

    // To the default credential chain: the access key and its secret go, the password stays.
    const edit = await runCli(['host', 'edit', 'ec2-keys', '--aws-credentials', 'default'], { configPath });
    expect(edit.code, edit.stderr).toBe(0);
    const host = readConfig(configPath).hosts[0];
    expect(host.aws.credentials).toBe('default');
    expect(host.aws.secretAccessKey).toBeUndefined();
    expect(host.password).toBe('host-password:ec2-keys');
    expect(await keychain.get('aws-secret:AKIAEXAMPLEEXAMPLE12')).toBeUndefined();
    expect(await keychain.get('host-password:ec2-keys')).toBe('pw');

    // A whole-host rule broken by an edit is refused, naming the field, and nothing changes.
    const before = readFileSync(configPath, 'utf8');
    const refused = await runCli(['host', 'edit', 'ec2-keys', '--protocol', 'azure-vm'], { configPath });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('host.azure');
    expect(readFileSync(configPath, 'utf8')).toBe(before);
  });

  it('config path and validate report on the chosen file, with exit 2 for a broken one', async () => {
    const configPath = tempConfigPath();
    expect((await runCli(['config', 'path'], { configPath })).stdout.trim()).toBe(configPath);
    expect((await runCli(['config', 'validate'], { configPath })).code).toBe(2); // no file yet
    const { writeFileSync } = await import('node:fs');
    writeFileSync(configPath, JSON.stringify({ version: 1 }));
    expect((await runCli(['config', 'validate'], { configPath })).code).toBe(0);
    writeFileSync(configPath, JSON.stringify({ version: 1, policy: { maxHostsOn: -1 } }));
    const broken = await runCli(['config', 'validate'], { configPath });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain(configPath);
    expect(broken.stderr).toContain('policy.maxHostsOn');
  });
});

describe('host and runner commands, interactive mode (prompts driven like a person)', () => {
  it('walks through an EC2 host with keychain keys, re-asking after a bad instance id', async () => {
    const configPath = tempConfigPath();
    const result = await runCli(['host', 'add'], {
      configPath,
      answers: [
        { prompt: 'Host id', answer: `ec2-wiz${ENTER}` },
        { prompt: 'Display name', answer: `Finance bot${ENTER}` },
        { prompt: 'Power protocol', answer: `${DOWN}${ENTER}` },
        { prompt: 'RDP address', answer: `10.0.0.7${ENTER}` },
        { prompt: 'Parallel sessions', answer: ENTER },
        { prompt: 'Session user', answer: `bot${ENTER}` },
        { prompt: 'Windows domain', answer: ENTER },
        { prompt: 'Pinned certificate', answer: ENTER },
        { prompt: 'Price per hour', answer: `0.42${ENTER}` },
        { prompt: 'EC2 instance id', answer: `i-bad${ENTER}` },
        { prompt: 'an EC2 instance id like', answer: `\x15i-0123456789abcdef0${ENTER}` },
        { prompt: 'AWS region', answer: `us-east-1${ENTER}` },
        { prompt: 'AWS credentials', answer: `${DOWN}${DOWN}${ENTER}` },
        { prompt: 'AWS access key id', answer: `AKIAABCDEFGHIJKLMNOP${ENTER}` },
        { prompt: 'Connect to', answer: ENTER },
        { prompt: 'Password of bot', answer: `Wizard-Pw-9${ENTER}` },
        { prompt: 'AWS secret access key', answer: `aws-secret-value${ENTER}` },
      ],
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).not.toContain('Wizard-Pw-9');
    // The wizard says what the instance needs before the first start can work.
    expect(result.stdout).toContain('tag it session-manager:host=true');
    expect(readConfig(configPath).hosts[0]).toMatchObject({
      id: 'ec2-wiz',
      name: 'Finance bot',
      hourlyPrice: 0.42,
      aws: {
        instanceId: 'i-0123456789abcdef0',
        credentials: 'keychain',
        accessKeyId: 'AKIAABCDEFGHIJKLMNOP',
        secretAccessKey: 'aws-secret:AKIAABCDEFGHIJKLMNOP',
      },
    });
    expect(await keychain.get('aws-secret:AKIAABCDEFGHIJKLMNOP')).toBe('aws-secret-value');
  });

  it('attaches, edits and releases a runner through prompts', async () => {
    const configPath = tempConfigPath();
    await runCli(
      [
        'host',
        'add',
        '--id',
        'h1',
        '--protocol',
        'rdp',
        '--address',
        '10.0.0.1',
        '--user',
        'bot',
        '--password-stdin',
      ],
      { configPath, stdin: 'pw' },
    );
    const attach = await runCli(['runner', 'attach'], {
      configPath,
      answers: [
        { prompt: 'Runner id', answer: `fin-9${ENTER}` },
        { prompt: 'Host', answer: ENTER },
        { prompt: 'Session', answer: `${DOWN}${ENTER}` },
        { prompt: 'Screen width', answer: `${ENTER}` },
        { prompt: 'Screen height', answer: `${ENTER}` },
        { prompt: 'Activity labels', answer: `nightly${ENTER}` },
      ],
    });
    expect(attach.code, attach.stderr).toBe(0);
    expect(readConfig(configPath).runners[0]).toMatchObject({
      id: 'fin-9',
      host: 'h1',
      sessionMode: 'console',
      activities: ['nightly'],
    });
    const edit = await runCli(['runner', 'edit', 'fin-9'], {
      configPath,
      answers: [
        { prompt: 'Host', answer: ENTER },
        { prompt: 'Session', answer: `\x1b[A${ENTER}` },
        { prompt: 'Windows user', answer: `finbot${ENTER}` },
        { prompt: 'Windows domain', answer: ENTER },
        { prompt: 'Screen width', answer: `\x151600${ENTER}` },
        { prompt: 'Screen height', answer: `\x15900${ENTER}` },
        { prompt: 'Activity labels', answer: ENTER },
        { prompt: 'Password of finbot', answer: `runner-pw-2${ENTER}` },
      ],
    });
    expect(edit.code, edit.stderr).toBe(0);
    expect(readConfig(configPath).runners[0]).toMatchObject({
      sessionMode: 'rdp',
      user: 'finbot',
      width: 1600,
      height: 900,
    });
    expect(await keychain.get('runner-password:fin-9')).toBe('runner-pw-2');
    const release = await runCli(['runner', 'release', 'fin-9'], { configPath });
    expect(release.code).toBe(0);
  });

  it('edits a host through prompts, keeping its password unless asked', async () => {
    const configPath = tempConfigPath();
    await runCli(
      [
        'host',
        'add',
        '--id',
        'h2',
        '--protocol',
        'rdp',
        '--address',
        '10.0.0.2',
        '--user',
        'bot',
        '--password-stdin',
      ],
      { configPath, stdin: 'keep-me' },
    );
    const edit = await runCli(['host', 'edit', 'h2'], {
      configPath,
      answers: [
        { prompt: 'Display name', answer: `Renamed${ENTER}` },
        { prompt: 'Power protocol', answer: ENTER },
        { prompt: 'RDP address', answer: `\x15127.0.0.1:3390${ENTER}` },
        { prompt: 'Parallel sessions', answer: ENTER },
        { prompt: 'Session user', answer: ENTER },
        { prompt: 'Windows domain', answer: ENTER },
        { prompt: 'Pinned certificate', answer: ENTER },
        { prompt: 'Price per hour', answer: ENTER },
        { prompt: 'Change the session password?', answer: `n${ENTER}` },
      ],
    });
    expect(edit.code, edit.stderr).toBe(0);
    expect(readConfig(configPath).hosts[0]).toMatchObject({ name: 'Renamed', address: '127.0.0.1:3390' });
    expect(await keychain.get('host-password:h2')).toBe('keep-me');
    // At a terminal, removing asks first; "no" keeps everything.
    const declined = await runCli(['host', 'remove', 'h2'], {
      configPath,
      answers: [{ prompt: 'Remove host h2, its stored password', answer: `n${ENTER}` }],
    });
    expect(declined.code).toBe(1);
    expect(readConfig(configPath).hosts).toHaveLength(1);
    expect(await keychain.get('host-password:h2')).toBe('keep-me');
    const remove = await runCli(['host', 'remove', 'h2'], {
      configPath,
      answers: [{ prompt: 'Remove host h2', answer: `y${ENTER}` }],
    });
    expect(remove.code, remove.stderr).toBe(0);
    expect(readConfig(configPath).hosts).toHaveLength(0);
    expect(await keychain.get('host-password:h2')).toBeUndefined();
  });
});
