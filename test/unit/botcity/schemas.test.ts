import { describe, expect, it } from 'vitest';
import {
  loginResponseSchema,
  machinePageSchema,
  scheduleSchema,
  taskPageSchema,
  taskSchema,
  timestampSchema,
  versionSchema,
} from '../../../src-main/orchestrators/botcity/schemas.js';
import { normalize } from '../../../src-main/orchestrators/botcity/client.js';

const at = Date.parse('2026-01-05T10:00:00Z');

describe('timestampSchema accepts every date shape a Spring server may send', () => {
  it.each([
    ['2026-01-05T10:00:00Z', at],
    ['2026-01-05T10:00:00.000+00:00', at],
    ['2026-01-05T07:00:00-03:00', at],
    ['2026-01-05T10:00:00', at], // no offset: UTC, as the API document says
    ['2026-01-05 10:00:00', at],
    ['2026-01-05T10:00:00.123456789Z', at + 123],
    [at, at], // epoch ms
    [at / 1000, at], // epoch seconds
    [[2026, 1, 5, 10, 0, 0], at], // Jackson LocalDateTime array
    [[2026, 1, 5, 10, 0, 0, 5_000_000], at + 5],
  ])('%j', (input, expected) => {
    expect(timestampSchema.parse(input)).toBe(expected);
  });

  it('refuses text that is not a date', () => {
    expect(timestampSchema.safeParse('yesterday').success).toBe(false);
    expect(timestampSchema.safeParse('2026-13-45T99:00:00Z').success).toBe(false);
  });
});

describe('taskSchema', () => {
  it('keeps the fields that matter and ignores unknown ones', () => {
    const task = taskSchema.parse({
      id: 42,
      state: 'start',
      machineId: 'bot-01',
      activityLabel: 'invoices',
      dateCreation: '2026-01-05T10:00:00Z',
      minExecutionDate: null,
      priority: 7,
      parameters: { a: 1 },
      finishStatus: null,
      somethingNew: { deeply: ['nested'] },
    });
    expect(task).toEqual({
      id: '42',
      state: 'START',
      machineId: 'bot-01',
      activityLabel: 'invoices',
      dateCreation: at,
      minExecutionDate: null,
      priority: 7,
    });
  });

  it('refuses a task without id or state', () => {
    expect(taskSchema.safeParse({ state: 'START' }).success).toBe(false);
    expect(taskSchema.safeParse({ id: 1 }).success).toBe(false);
    expect(taskSchema.safeParse({ id: '', state: 'START' }).success).toBe(false);
  });
});

describe('pages', () => {
  it('reads a Spring page and ignores its extra fields', () => {
    const page = taskPageSchema.parse({
      content: [{ id: 1, state: 'START' }],
      last: true,
      empty: false,
      number: 0,
      totalPages: 1,
      totalElements: 1,
      pageable: { pageNumber: 0 },
      sort: {},
    });
    expect(page.content).toHaveLength(1);
    expect(page.last).toBe(true);
  });

  it('accepts a bare array as one last page', () => {
    const page = taskPageSchema.parse([{ id: 1, state: 'RUNNING' }]);
    expect(page).toMatchObject({ last: true, content: [{ id: '1', state: 'RUNNING' }] });
  });

  it('refuses a page whose content is not a list', () => {
    expect(taskPageSchema.safeParse({ content: 'x', last: true }).success).toBe(false);
    expect(taskPageSchema.safeParse({ last: true }).success).toBe(false);
  });
});

describe('login, version, machines and schedules', () => {
  it('login: accessToken/organizationLabel, or token/organization', () => {
    expect(loginResponseSchema.parse({ accessToken: 't', organizationLabel: 'o', x: 1 })).toEqual({
      accessToken: 't',
      organization: 'o',
    });
    expect(loginResponseSchema.parse({ token: 't', organization: 'o' })).toEqual({
      accessToken: 't',
      organization: 'o',
    });
    // No organizationLabel: the session sends the workspace login instead, as the SDKs do.
    expect(loginResponseSchema.parse({ accessToken: 't' })).toEqual({
      accessToken: 't',
      organization: undefined,
    });
    expect(loginResponseSchema.safeParse({ organizationLabel: 'o' }).success).toBe(false);
  });

  it('version as text or number', () => {
    expect(versionSchema.parse({ version: '2.1.0' }).version).toBe('2.1.0');
    expect(versionSchema.parse({ version: 3 }).version).toBe('3');
  });

  it('machines: machineId or name, and isOnline, online or status', () => {
    const page = machinePageSchema.parse({
      content: [
        { machineId: 'a', isOnline: true },
        { name: 'b', online: false },
        { id: 3, status: 'ONLINE' },
        { machineId: 'd' },
      ],
      last: true,
    });
    expect(page.content).toEqual([
      { id: 'a', online: true },
      { id: 'b', online: false },
      { id: '3', online: true },
      { id: 'd', online: undefined },
    ]);
  });

  it('schedules need a cron and an activity', () => {
    expect(scheduleSchema.parse({ cron: '0 0 12 * * ?', activityLabel: 'x', extra: 1 })).toEqual({
      cron: '0 0 12 * * ?',
      activityLabel: 'x',
    });
    expect(scheduleSchema.safeParse({ activityLabel: 'x' }).success).toBe(false);
  });
});

describe('normalize', () => {
  it('maps START to queued and RUNNING to running; a task in both counts once, as running', () => {
    const queued = [
      taskSchema.parse({
        id: 1,
        state: 'START',
        activityLabel: 'a',
        dateCreation: at,
        priority: 12,
        minExecutionDate: at + 5,
      }),
      taskSchema.parse({ id: 2, state: 'START', machineId: 'bot-01', priority: -3 }),
    ];
    const running = [
      taskSchema.parse({
        id: 2,
        state: 'RUNNING',
        machineId: 'bot-01',
        dateCreation: at,
        dateStartRunning: at + 9,
      }),
    ];
    expect(normalize(queued, running, 999)).toEqual([
      {
        id: '1',
        state: 'queued',
        status: 'START',
        activity: 'a',
        createdAt: at,
        priority: 10,
        notBefore: at + 5,
      },
      {
        id: '2',
        state: 'busy',
        status: 'RUNNING',
        runnerId: 'bot-01',
        createdAt: at,
        priority: 0,
        startedAt: at + 9,
      },
    ]);
  });
});
