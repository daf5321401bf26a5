import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { writeFileSync } from 'atomically';
import { z } from 'zod';

/**
 * Where a running service can be reached: `service.json` next to the config, written when its API
 * listens (owner-only) and removed at stop, so the CLI finds the port even when it was chosen at start.
 */
const serviceFileSchema = z.object({ url: z.url(), pid: z.number().int().positive() });
type ServiceFile = z.infer<typeof serviceFileSchema>;

function serviceFilePath(configPath: string): string {
  return path.join(path.dirname(path.resolve(configPath)), 'service.json');
}

export function writeServiceFile(configPath: string, url: string): void {
  writeFileSync(serviceFilePath(configPath), JSON.stringify({ url, pid: process.pid }), { mode: 0o600 });
}

export function removeServiceFile(configPath: string): void {
  rmSync(serviceFilePath(configPath), { force: true });
}

/** The running service's address, if its file is there, readable, and its process alive. */
export function readServiceFile(configPath: string): ServiceFile | undefined {
  let parsed: ReturnType<typeof serviceFileSchema.safeParse>;
  try {
    parsed = serviceFileSchema.safeParse(JSON.parse(readFileSync(serviceFilePath(configPath), 'utf8')));
  } catch {
    return undefined;
  }
  if (!parsed.success) return undefined;
  try {
    process.kill(parsed.data.pid, 0); // is it alive?
  } catch {
    return undefined;
  }
  return parsed.data;
}
