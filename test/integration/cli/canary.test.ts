import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KeychainStore } from '../../../src-main/secrets/keychain-store.js';
import { runCli, tempConfigPath, type CliRun } from '../../helpers/cli.js';

const CANARY = 'CANARY-7f3a9c-Secret!';

describe('canary: a secret entered through the CLI appears nowhere but the keychain', () => {
  it('by stdin, environment and hidden prompt, in success and failure, in text and JSON output', async () => {
    const configPath = tempConfigPath();
    const runs: CliRun[] = [];
    runs.push(
      await runCli(
        [
          'host',
          'add',
          '--id',
          'c1',
          '--protocol',
          'rdp',
          '--address',
          '10.0.0.1',
          '--user',
          'bot',
          '--password-stdin',
          '--json',
        ],
        {
          configPath,
          stdin: CANARY,
        },
      ),
    );
    runs.push(
      await runCli(
        [
          'host',
          'add',
          '--id',
          'c2',
          '--protocol',
          'aws-ec2',
          '--address',
          '10.0.0.2',
          '--user',
          'bot',
          '--instance-id',
          'i-0123456789abcdef0',
          '--aws-credentials',
          'keychain',
          '--aws-access-key-id',
          'AKIAABCDEFGHIJKLMNOP',
        ],
        {
          configPath,
          env: { SESSION_MANAGER_HOST_PASSWORD: CANARY, SESSION_MANAGER_AWS_SECRET_ACCESS_KEY: CANARY },
        },
      ),
    );
    runs.push(
      await runCli(['runner', 'attach', '--id', 'r1', '--host', 'c1', '--user', 'other'], {
        configPath,
        answers: [
          { prompt: 'Session', answer: '\r' },
          { prompt: 'Windows domain', answer: '\r' },
          { prompt: 'Screen width', answer: '\r' },
          { prompt: 'Screen height', answer: '\r' },
          { prompt: 'Activity labels', answer: '\r' },
          { prompt: 'Password of other', answer: `${CANARY}\r` },
        ],
      }),
    );
    // A failing command after a secret was read must not echo it either.
    runs.push(
      await runCli(
        [
          'host',
          'add',
          '--id',
          'c1',
          '--protocol',
          'rdp',
          '--address',
          '10.0.0.1',
          '--user',
          'bot',
          '--password-stdin',
        ],
        { configPath, stdin: CANARY },
      ),
    );
    runs.push(
      await runCli(['list', 'all'], { configPath }),
      await runCli(['list', 'all', '--json'], { configPath }),
    );

    expect(runs.slice(0, 3).map((r) => r.code)).toEqual([0, 0, 0]);
    expect(runs[3]!.code).toBe(2);
    for (const run of runs) {
      expect(run.stdout).not.toContain(CANARY);
      expect(run.stderr).not.toContain(CANARY);
    }
    expect(readFileSync(configPath, 'utf8')).not.toContain(CANARY);
    const keychain = new KeychainStore();
    for (const ref of [
      'host-password:c1',
      'host-password:c2',
      'aws-secret:AKIAABCDEFGHIJKLMNOP',
      'runner-password:r1',
    ])
      expect(await keychain.get(ref)).toBe(CANARY);
  });
});
