import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { emptyMemory, type PlanMemory } from '../../../src-main/core/memory.js';
import { PlanMemoryFile } from '../../../src-main/service/plan-memory-file.js';

const dirs: string[] = [];
function configIn(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sm-memory-'));
  dirs.push(dir);
  return path.join(dir, 'config.json');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const learned: PlanMemory = {
  ...emptyMemory(),
  hosts: new Map([['bot-01', { attempts: 0, drainCount: 2, drainSince: 1_000, bootLeadMs: 95_000 }]]),
  runners: new Map([['fin-01', { lastBusyAt: 1_000 }]]),
};

describe('the plan memory file', () => {
  it('is saved next to the config, for the owner only, and read back with the idle clocks reset', async () => {
    const config = configIn();
    const problems: string[] = [];
    await new PlanMemoryFile(config, (p) => problems.push(p)).save(learned);
    const file = path.join(path.dirname(config), 'plan-memory.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const loaded = new PlanMemoryFile(config, (p) => problems.push(p)).load();
    expect(loaded?.hosts.get('bot-01')).toMatchObject({ bootLeadMs: 95_000, drainCount: 0 });
    expect(loaded?.runners.size).toBe(0);
    expect(problems).toEqual([]);
  });

  it('is not written again when nothing changed', async () => {
    const config = configIn();
    const memoryFile = new PlanMemoryFile(config, () => undefined);
    await memoryFile.save(learned);
    writeFileSync(memoryFile.file, 'tampered');
    await memoryFile.save(learned);
    expect(readFileSync(memoryFile.file, 'utf8')).toBe('tampered');
  });

  it('reports a save that fails instead of throwing, and saves it at the next try', async () => {
    const config = configIn();
    const problems: string[] = [];
    const memoryFile = new PlanMemoryFile(config, (p) => problems.push(p));
    // Where the file should go, a plain file stands in for the folder: the write fails.
    rmSync(path.dirname(config), { recursive: true });
    writeFileSync(path.dirname(config), 'not a folder');
    await expect(memoryFile.save(learned)).resolves.toBeUndefined();
    expect(problems).toEqual([
      expect.stringMatching(/could not be saved \(.+\); it is saved again at the next tick$/),
    ]);
    rmSync(path.dirname(config));
    mkdirSync(path.dirname(config));
    await memoryFile.save(learned);
    expect(JSON.parse(readFileSync(memoryFile.file, 'utf8')).hosts['bot-01'].bootLeadMs).toBe(95_000);
  });

  it('reports and ignores a missing, malformed or newer-version file, never failing the start', () => {
    const config = configIn();
    const problems: string[] = [];
    const memoryFile = new PlanMemoryFile(config, (p) => problems.push(p));
    expect(memoryFile.load()).toBeUndefined();
    expect(problems).toEqual([]);
    writeFileSync(memoryFile.file, '{ not json');
    expect(memoryFile.load()).toBeUndefined();
    writeFileSync(memoryFile.file, JSON.stringify({ version: 7, hosts: {} }));
    expect(memoryFile.load()).toBeUndefined();
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/is ignored: it is malformed/);
    expect(problems[1]).toMatch(/written by a newer Session Manager \(memory version 7\)/);
  });
});
