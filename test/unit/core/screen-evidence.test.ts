import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterEach, describe, expect, it } from 'vitest';
import { act, EVIDENCE_WIDTH, type Actors } from '../../../src-main/core/act.js';
import type { Action } from '../../../src-main/core/actions.js';
import { EventLog } from '../../../src-main/core/event-log.js';
import { emptyMemory } from '../../../src-main/core/memory.js';
import { ScreenEvidence } from '../../../src-main/service/screen-evidence.js';
import { InMemorySessionDriver } from '../../fakes/in-memory-sessions.js';
import { FakeClock, FakeTimer } from './loop-fakes.js';
import { host, makeConfig, runner } from './world.js';

const config = makeConfig({ hosts: [host('bot-01')], runners: [runner('fin-01', 'bot-01')] });
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

async function setup() {
  const clock = new FakeClock();
  const sessions = new InMemorySessionDriver(() => clock.now());
  sessions.seed({ key: 'bot-01/bot', hostId: 'bot-01', user: 'bot', state: 'open' });
  const events = await EventLog.open({ now: () => clock.now() });
  const kept: { eventId: number; png: Uint8Array }[] = [];
  const actors: Actors = {
    powerDrivers: [],
    sessions,
    clock,
    timer: new FakeTimer(clock),
    emit: (event) => events.append(event),
    keepScreen: async (eventId, png) => void kept.push({ eventId, png }),
    concurrency: 1,
    actionTimeoutMs: 1_000,
  };
  return { actors, events, kept, sessions };
}

const unhealthy: Action = {
  kind: 'note',
  event: 'session.unhealthy',
  severity: 'warning',
  hostId: 'bot-01',
  sessionKey: 'bot-01/bot',
  reason: 'Session bot-01/bot is not usable (wrong-size): the screen is 800×600',
} as Action;

describe('the screen kept with an event about a desktop', () => {
  it('is taken when the event is said, and the event says it has one', async () => {
    const { actors, events, kept } = await setup();
    await act(actors, [unhealthy], config, emptyMemory());
    const [event] = events.list({});
    expect(event).toMatchObject({ kind: 'session.unhealthy', data: { screen: true } });
    expect(kept.map((k) => k.eventId)).toEqual([event!.id]);
    expect(PNG.sync.read(Buffer.from(kept[0]!.png)).width).toBe(EVIDENCE_WIDTH);
  });

  it('is not taken for other events, nor claimed when the screen cannot be had', async () => {
    const { actors, events, kept, sessions } = await setup();
    const other = { ...unhealthy, event: 'session.healthy', severity: 'info' } as Action;
    await act(actors, [other], config, emptyMemory());
    await sessions.close('bot-01/bot');
    await act(actors, [unhealthy], config, emptyMemory());
    expect(events.list({}).map((e) => [e.kind, e.data])).toEqual([
      ['session.healthy', undefined],
      ['session.unhealthy', undefined],
    ]);
    expect(kept).toEqual([]);
  });
});

describe('ScreenEvidence', () => {
  it('keeps one PNG per event, reads it back, and keeps only the newest', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sm-screens-'));
    dirs.push(dir);
    const problems: string[] = [];
    const screens = new ScreenEvidence(path.join(dir, 'screens'), (p) => problems.push(p), 2);
    for (const id of [3, 1, 7]) await screens.save(id, new Uint8Array([id]));
    expect(readdirSync(path.join(dir, 'screens')).sort()).toEqual(['3.png', '7.png']);
    expect(await screens.read(7)).toEqual(new Uint8Array([7]));
    expect(await screens.read(1)).toBeUndefined();
    expect(await screens.read(-1)).toBeUndefined();
    expect(problems).toEqual([]);
  });

  it('reports a screen it cannot write, and loses nothing else', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sm-screens-'));
    dirs.push(dir);
    const problems: string[] = [];
    // A file where the folder should be: nothing can be written under it.
    const blocked = path.join(dir, 'screens');
    await import('node:fs/promises').then((fs) => fs.writeFile(blocked, 'not a folder'));
    await new ScreenEvidence(blocked, (p) => problems.push(p)).save(4, new Uint8Array([4]));
    expect(problems).toEqual([expect.stringContaining('the screen of event 4 could not be kept')]);
  });
});
