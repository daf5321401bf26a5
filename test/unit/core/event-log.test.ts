import { mkdtemp, readFile, rm, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventLog, type EventLogger } from '../../../src-main/core/event-log.js';
import type { ManagerEvent } from '../../../src-main/core/events.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'event-log-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const at = (i: number) => 1_700_000_000_000 + i;

describe('EventLog', () => {
  it('gives increasing ids and lists from an id', async () => {
    const log = await EventLog.open({ now: () => at(0) });
    for (let i = 0; i < 5; i++) log.append({ kind: 'info', severity: 'info', message: `e${i}` });
    expect(log.list().map((e) => e.id)).toEqual([1, 2, 3, 4, 5]);
    expect(log.list({ afterId: 3 }).map((e) => e.message)).toEqual(['e3', 'e4']);
    expect(log.list({ limit: 2 }).map((e) => e.id)).toEqual([4, 5]);
    expect(log.lastId).toBe(5);
  });

  it('keeps its history in a JSON-lines file across restarts, ids continuing', async () => {
    const file = path.join(dir, 'sub', 'events.jsonl');
    const first = await EventLog.open({ file, now: () => at(1) });
    first.append({ kind: 'host.starting', severity: 'info', message: 'Starting bot-01', hostId: 'bot-01' });
    first.append({
      kind: 'host.failed',
      severity: 'error',
      message: 'bot-01 failed',
      hostId: 'bot-01',
      data: { attempts: 3 },
    });
    await first.flush();

    const second = await EventLog.open({ file, now: () => at(2) });
    expect(second.list()).toEqual([
      {
        id: 1,
        at: at(1),
        kind: 'host.starting',
        severity: 'info',
        message: 'Starting bot-01',
        hostId: 'bot-01',
      },
      {
        id: 2,
        at: at(1),
        kind: 'host.failed',
        severity: 'error',
        message: 'bot-01 failed',
        hostId: 'bot-01',
        data: { attempts: 3 },
      },
    ]);
    expect(second.append({ kind: 'info', severity: 'info', message: 'next' }).id).toBe(3);
  });

  it('trims the file to the limit and skips lines that do not parse', async () => {
    const file = path.join(dir, 'events.jsonl');
    const log = await EventLog.open({ file, limit: 10, now: () => at(3) });
    for (let i = 0; i < 35; i++) log.append({ kind: 'info', severity: 'info', message: `e${i}` });
    await log.flush();
    const lines = (await readFile(file, 'utf8')).trim().split('\n');
    expect(lines.length).toBeLessThanOrEqual(20);
    await appendFile(file, '{"id": "torn', 'utf8');
    const reopened = await EventLog.open({ file, limit: 10 });
    expect(reopened.list().map((e) => e.message)).toEqual(Array.from({ length: 10 }, (_, i) => `e${25 + i}`));
    expect(reopened.lastId).toBe(35);
  });

  it('a missing file is an empty history; a file of garbage too', async () => {
    expect((await EventLog.open({ file: path.join(dir, 'none.jsonl') })).list()).toEqual([]);
    const garbage = path.join(dir, 'garbage.jsonl');
    await writeFile(garbage, 'not json\n{"id":1}\n');
    expect((await EventLog.open({ file: garbage })).list()).toEqual([]);
  });

  it('subscribers get new events, and replay from an id first (SSE Last-Event-ID)', async () => {
    const log = await EventLog.open({ now: () => at(4) });
    log.append({ kind: 'info', severity: 'info', message: 'a' });
    log.append({ kind: 'info', severity: 'info', message: 'b' });
    const seen: ManagerEvent[] = [];
    const unsubscribe = log.subscribe((e) => seen.push(e), 1);
    log.append({ kind: 'info', severity: 'info', message: 'c' });
    unsubscribe();
    log.append({ kind: 'info', severity: 'info', message: 'd' });
    expect(seen.map((e) => e.message)).toEqual(['b', 'c']);
  });

  it('a throwing subscriber does not stop the others', async () => {
    const log = await EventLog.open();
    const seen: string[] = [];
    log.subscribe(() => {
      throw new Error('closed stream');
    });
    log.subscribe((e) => seen.push(e.message));
    log.append({ kind: 'info', severity: 'info', message: 'x' });
    expect(seen).toEqual(['x']);
  });

  it('logs every event through the logger at its severity', async () => {
    const lines: [string, object, string][] = [];
    const logger: EventLogger = {
      info: (o, m) => lines.push(['info', o, m]),
      warn: (o, m) => lines.push(['warn', o, m]),
      error: (o, m) => lines.push(['error', o, m]),
    };
    const log = await EventLog.open({ logger, now: () => at(5) });
    log.append({ kind: 'host.starting', severity: 'info', message: 'Starting bot-01', hostId: 'bot-01' });
    log.append({ kind: 'budget.reached', severity: 'warning', message: 'cap' });
    log.append({ kind: 'host.failed', severity: 'error', message: 'failed', data: { attempts: 4 } });
    expect(lines).toEqual([
      ['info', { eventId: 1, kind: 'host.starting', hostId: 'bot-01' }, 'Starting bot-01'],
      ['warn', { eventId: 2, kind: 'budget.reached' }, 'cap'],
      ['error', { eventId: 3, kind: 'host.failed', data: { attempts: 4 } }, 'failed'],
    ]);
  });
});
