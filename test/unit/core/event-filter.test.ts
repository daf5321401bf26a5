import { describe, expect, it } from 'vitest';
import { withConcern } from '../../../src-main/core/event-concern.js';
import { eventMatcher, filterEvents, type EventQuery } from '../../../src-main/core/event-filter.js';
import type { ManagerEvent } from '../../../src-main/core/events.js';
import { fleetOf } from '../../../src-main/core/fleet.js';
import { configSchema } from '../../../src-main/config/schema.js';
import { exportEvents } from '../../../src-main/api/event-export.js';

const events: ManagerEvent[] = [
  {
    id: 1,
    at: 1_000,
    kind: 'host.starting',
    severity: 'info',
    message: 'Starting bot-01: fin-01 has 2 queued tasks',
    hostId: 'bot-01',
    runnerIds: ['fin-01', 'hr-01'],
  },
  {
    id: 2,
    at: 2_000,
    kind: 'session.opened',
    severity: 'info',
    message: 'Session bot-01/fin is logged in',
    hostId: 'bot-01',
    runnerId: 'fin-01',
    runnerIds: ['fin-01'],
    sessionKey: 'bot-01/fin',
  },
  {
    id: 3,
    at: 3_000,
    kind: 'session.failed',
    severity: 'error',
    message: 'Opening bot-02/hr failed: wrong password',
    hostId: 'bot-02',
    runnerId: 'hr-02',
    sessionKey: 'bot-02/hr',
    data: { error: 'logon-failure' },
  },
  {
    id: 4,
    at: 4_000,
    kind: 'orchestrator.unreachable',
    severity: 'warning',
    message: 'Orchestrator unreachable: ECONNREFUSED',
  },
];
const ids = (query: EventQuery, limit?: number) =>
  filterEvents(events, query, limit).map((event) => event.id);

describe('filterEvents: one search for the API and the console', () => {
  it('matches everything with an empty query, oldest first, the newest `limit`', () => {
    expect(ids({})).toEqual([1, 2, 3, 4]);
    expect(ids({}, 2)).toEqual([3, 4]);
  });

  it('filters by host, by a runner the event concerns (one or several), and by session', () => {
    expect(ids({ hostId: 'bot-01' })).toEqual([1, 2]);
    expect(ids({ runnerId: 'fin-01' })).toEqual([1, 2]);
    expect(ids({ runnerId: 'hr-01' })).toEqual([1]);
    expect(ids({ runnerId: 'hr-02' })).toEqual([3]); // runnerId alone, from an older event
    expect(ids({ sessionKey: 'bot-02/hr' })).toEqual([3]);
  });

  it('filters by kind or kind family, and by "this severity or worse"', () => {
    expect(ids({ kind: 'session.failed' })).toEqual([3]);
    expect(ids({ kind: 'session' })).toEqual([2, 3]);
    expect(ids({ kind: 'sess' })).toEqual([]);
    expect(ids({ severity: 'warning' })).toEqual([3, 4]);
    expect(ids({ severity: 'error' })).toEqual([3]);
  });

  it('filters by time: from inclusive, to exclusive', () => {
    expect(ids({ from: 2_000, to: 4_000 })).toEqual([2, 3]);
    expect(ids({ afterId: 2 })).toEqual([3, 4]);
  });

  it('searches text in any case, every word, across message, kind, ids and details', () => {
    expect(ids({ text: 'PASSWORD' })).toEqual([3]);
    expect(ids({ text: 'logon-failure' })).toEqual([3]);
    expect(ids({ text: 'bot-01 logged' })).toEqual([2]);
    expect(ids({ text: 'hr-01' })).toEqual([1]);
    expect(ids({ text: 'unreachable econnrefused' })).toEqual([4]);
    expect(ids({ text: '  ' })).toEqual([1, 2, 3, 4]);
    expect(eventMatcher({ text: 'nothing like this' })(events[0]!)).toBe(false);
  });

  it('combines every field', () => {
    expect(ids({ hostId: 'bot-01', kind: 'session', text: 'logged', from: 1_500 })).toEqual([2]);
  });
});

describe('withConcern: events name the runners they concern', () => {
  const config = configSchema.parse({
    version: 1,
    hosts: [
      {
        id: 'bot-01',
        address: '10.0.0.1',
        protocol: 'rdp',
        user: 'bot',
        password: 'host-password:bot-01',
        maxSessions: 2,
      },
      { id: 'bot-02', address: '10.0.0.2', protocol: 'rdp', user: 'bot', password: 'host-password:bot-02' },
    ],
    runners: [
      { id: 'fin-01', host: 'bot-01', user: 'fin', password: 'runner-password:fin-01' },
      { id: 'hr-01', host: 'bot-01' },
      { id: 'solo', host: 'bot-02' },
    ],
  });
  const fleet = fleetOf(config);

  it("a session's event names its runners; a host's event names the host's runners", () => {
    expect(
      withConcern(
        { kind: 'session.opened', severity: 'info', message: '', hostId: 'bot-01', sessionKey: 'bot-01/fin' },
        fleet,
      ),
    ).toMatchObject({ runnerIds: ['fin-01'], runnerId: 'fin-01' });
    const hostEvent = withConcern(
      { kind: 'host.starting', severity: 'info', message: '', hostId: 'bot-01' },
      fleet,
    );
    expect(hostEvent.runnerIds).toEqual(['fin-01', 'hr-01']);
    expect(hostEvent.runnerId).toBeUndefined();
    expect(
      withConcern({ kind: 'host.started', severity: 'info', message: '', hostId: 'bot-02' }, fleet),
    ).toMatchObject({ runnerIds: ['solo'], runnerId: 'solo' });
  });

  it('leaves events about no host or runner alone, and keeps runners already named', () => {
    const outage = { kind: 'orchestrator.unreachable', severity: 'warning', message: '' } as const;
    expect(withConcern(outage, fleet)).toEqual(outage);
    expect(withConcern({ ...outage, runnerIds: ['x'] }, fleet).runnerIds).toEqual(['x']);
    expect(withConcern({ ...outage, hostId: 'removed-host' }, fleet).runnerIds).toBeUndefined();
  });
});

describe('exportEvents', () => {
  it('writes JSON Lines that read back to the same events', () => {
    const file = exportEvents(events, 'jsonl');
    expect(file.filename).toBe('session-manager-events-1970-01-01T00-00-04-000Z.jsonl');
    expect(exportEvents([], 'jsonl')).toMatchObject({
      filename: 'session-manager-events-empty.jsonl',
      text: '',
    });
    expect(
      file.text
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toEqual(events);
  });

  it('writes CSV with a header, quoted cells and formulas escaped', () => {
    const risky: ManagerEvent = {
      id: 9,
      at: 0,
      kind: 'info',
      severity: 'info',
      message: '=HYPERLINK("http://x","a, b")',
    };
    const file = exportEvents([events[2]!, risky], 'csv');
    expect(file.mediaType).toContain('text/csv');
    const lines = file.text.split('\r\n');
    expect(lines[0]).toBe('id,time,severity,kind,host,runners,session,message,data');
    expect(lines[1]).toBe(
      '3,1970-01-01T00:00:03.000Z,error,session.failed,bot-02,hr-02,bot-02/hr,Opening bot-02/hr failed: wrong password,"{""error"":""logon-failure""}"',
    );
    expect(lines[2]).toBe(`9,1970-01-01T00:00:00.000Z,info,info,,,,"'=HYPERLINK(""http://x"",""a, b"")",`);
  });
});
