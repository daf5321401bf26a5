import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { run } from '../../src-main/cli/program.js';
import type { SecretStore } from '../../src-main/secrets/secret-store.js';

/** One prompt to answer: when stdout shows `prompt`, type `answer` (raw keys; `\r` is Enter). */
export interface PromptAnswer {
  prompt: RegExp | string;
  answer: string;
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function tempConfigPath(): string {
  return path.join(mkdtempSync(path.join(tmpdir(), 'sm-config-')), 'config.json');
}

// eslint-disable-next-line no-control-regex -- ANSI escapes start with ESC
const stripAnsi = (text: string) => text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');

/**
 * Runs the CLI in-process. With `answers`, it plays a person at a terminal: it waits for each prompt to be
 * shown and types the answer, in order, failing if a prompt never comes.
 */
export async function runCli(
  argv: string[],
  options: {
    configPath: string;
    stdin?: string;
    answers?: PromptAnswer[];
    env?: NodeJS.ProcessEnv;
    secrets?: SecretStore;
  },
): Promise<CliRun> {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stderr.on('data', (chunk) => (err += String(chunk)));
  const answers = [...(options.answers ?? [])];
  let seenUpTo = 0;
  stdout.on('data', (chunk) => {
    out += String(chunk);
    const next = answers[0];
    if (!next) return;
    const visible = stripAnsi(out.slice(seenUpTo));
    const found = typeof next.prompt === 'string' ? visible.includes(next.prompt) : next.prompt.test(visible);
    if (found) {
      answers.shift();
      seenUpTo = out.length;
      setImmediate(() => stdin.write(next.answer));
    }
  });
  if (options.stdin !== undefined) stdin.end(options.stdin);
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `CLI stalled; waiting for ${String(answers[0]?.prompt)}\n--- stdout ---\n${stripAnsi(out)}\n--- stderr ---\n${err}`,
          ),
        ),
      15_000,
    );
  });
  const code = await Promise.race([
    run(['--config', options.configPath, ...argv], {
      io: { stdin, stdout, stderr, interactive: Boolean(options.answers), env: { ...options.env } },
      secrets: options.secrets,
    }),
    stalled,
  ]).finally(() => clearTimeout(timer));
  if (answers.length)
    throw new Error(
      `prompts never shown: ${answers.map((a) => String(a.prompt)).join(', ')}\n${stripAnsi(out)}\n${err}`,
    );
  return { code, stdout: stripAnsi(out), stderr: err };
}

/** `host add` flags for an EC2 host with everything but its credentials and secrets. */
export const ec2HostFlags = (id: string): string[] => [
  '--id',
  id,
  '--protocol',
  'aws-ec2',
  '--address',
  '10.0.0.9',
  '--user',
  'bot',
  '--instance-id',
  'i-0123456789abcdef0',
];
