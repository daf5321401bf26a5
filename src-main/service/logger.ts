import path from 'node:path';
import pino, { type Logger } from 'pino';

/** Field names whose values are never logged, wherever they appear (defence in depth: secrets should not reach the logger at all). */
const REDACTED_PATHS = [
  'password',
  '*.password',
  'key',
  '*.key',
  'secret',
  '*.secret',
  'secretAccessKey',
  '*.secretAccessKey',
  'clientSecret',
  '*.clientSecret',
  'token',
  '*.token',
  'accessToken',
  '*.accessToken',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'headers.token',
];

interface LoggerOptions {
  level?: string;
  /** Rotating log file (daily and at 10 MB, 14 files kept); absent = stdout only. */
  file?: string;
  /** Also write to stdout (the service's journal). */
  stdout?: boolean;
}

/** pino to stdout and to a rotating file through pino-roll (in pino's worker thread, off the loop). */
export function createLogger(options: LoggerOptions = {}): Logger {
  const targets: pino.TransportTargetOptions[] = [];
  if (options.stdout ?? true)
    targets.push({ target: 'pino/file', options: { destination: 1 }, level: options.level ?? 'info' });
  if (options.file)
    targets.push({
      target: 'pino-roll',
      level: options.level ?? 'info',
      options: {
        file: path.join(path.dirname(options.file), path.basename(options.file, '.log')),
        extension: '.log',
        frequency: 'daily',
        size: '10m',
        mkdir: true,
        limit: { count: 14 },
      },
    });
  const base = { level: options.level ?? 'info', redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
  if (targets.length === 0) return pino({ ...base, enabled: false });
  return pino(base, pino.transport({ targets }));
}
