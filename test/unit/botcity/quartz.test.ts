import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { QuartzCronError, quartzCron } from '../../../src-main/orchestrators/botcity/quartz.js';
import { upcomingRuns } from '../../../src-main/orchestrators/botcity/schedules.js';

/** The next `count` fire times (ISO, UTC) of a Quartz expression after `from`. */
function fires(quartz: string, from: string, count = 4, timezone = 'UTC'): string[] {
  const cron = quartzCron(quartz, timezone);
  const out: string[] = [];
  let cursor = new Date(from);
  for (let i = 0; i < count; i++) {
    const next = cron.nextRun(cursor);
    if (!next) break;
    out.push(next.toISOString());
    cursor = next;
  }
  return out;
}

// 2026-01-03 is a Saturday.
const SAT = '2026-01-03T00:00:00Z';

describe('Quartz day-of-week numbering (1=SUN..7=SAT)', () => {
  it('reads 1 as Sunday and 7 as Saturday', () => {
    expect(fires('0 0 12 ? * 1', SAT, 2)).toEqual(['2026-01-04T12:00:00.000Z', '2026-01-11T12:00:00.000Z']);
    expect(fires('0 0 12 ? * 7', SAT, 2)).toEqual(['2026-01-03T12:00:00.000Z', '2026-01-10T12:00:00.000Z']);
  });

  it('reads 2-6 as Monday to Friday, like MON-FRI', () => {
    const expected = [
      '2026-01-05T12:00:00.000Z',
      '2026-01-06T12:00:00.000Z',
      '2026-01-07T12:00:00.000Z',
      '2026-01-08T12:00:00.000Z',
      '2026-01-09T12:00:00.000Z',
      '2026-01-12T12:00:00.000Z',
    ];
    expect(fires('0 0 12 ? * 2-6', SAT, 6)).toEqual(expected);
    expect(fires('0 0 12 ? * MON-FRI', SAT, 6)).toEqual(expected);
  });

  it('wraps ranges past Saturday (FRI-MON) as Quartz does', () => {
    expect(fires('0 0 9 ? * FRI-MON', '2026-01-01T00:00:00Z', 5)).toEqual([
      '2026-01-02T09:00:00.000Z', // Fri
      '2026-01-03T09:00:00.000Z', // Sat
      '2026-01-04T09:00:00.000Z', // Sun
      '2026-01-05T09:00:00.000Z', // Mon
      '2026-01-09T09:00:00.000Z', // next Fri
    ]);
  });

  it('reads L alone as Saturday, nL as the last such day, n#k as the k-th', () => {
    expect(fires('0 0 12 ? * L', SAT, 1)).toEqual(['2026-01-03T12:00:00.000Z']);
    // 6L = last Friday: Jan 30, Feb 27, Mar 27 2026.
    expect(fires('0 15 10 ? * 6L', SAT, 3)).toEqual([
      '2026-01-30T10:15:00.000Z',
      '2026-02-27T10:15:00.000Z',
      '2026-03-27T10:15:00.000Z',
    ]);
    // 6#3 = third Friday: Jan 16, Feb 20 2026.
    expect(fires('0 15 10 ? * 6#3', SAT, 2)).toEqual([
      '2026-01-16T10:15:00.000Z',
      '2026-02-20T10:15:00.000Z',
    ]);
    expect(fires('0 15 10 ? * FRI#3', SAT, 1)).toEqual(['2026-01-16T10:15:00.000Z']);
    // 2#1 = first Monday.
    expect(fires('0 0 8 ? * 2#1', SAT, 2)).toEqual(['2026-01-05T08:00:00.000Z', '2026-02-02T08:00:00.000Z']);
  });

  it('fires only on the named weekday for every Quartz day 1-7', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 0, max: 3000 }),
        (quartzDay, offsetDays) => {
          const from = new Date(Date.UTC(2025, 0, 1) + offsetDays * 86_400_000).toISOString();
          for (const at of fires(`0 0 12 ? * ${quartzDay}`, from, 3))
            expect(new Date(at).getUTCDay()).toBe(quartzDay - 1);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('Quartz day-of-month, steps, ranges and years', () => {
  it('L, LW and nW in day-of-month', () => {
    expect(fires('0 15 10 L * ?', SAT, 3)).toEqual([
      '2026-01-31T10:15:00.000Z',
      '2026-02-28T10:15:00.000Z',
      '2026-03-31T10:15:00.000Z',
    ]);
    // Last weekday: Jan 30 (Fri; 31 is Sat), Feb 27 (Fri), Mar 31 (Tue).
    expect(fires('0 0 18 LW * ?', SAT, 3)).toEqual([
      '2026-01-30T18:00:00.000Z',
      '2026-02-27T18:00:00.000Z',
      '2026-03-31T18:00:00.000Z',
    ]);
    // 15W: Feb 15 2026 is a Sunday → Monday 16; Mar 15 is a Sunday → Monday 16; Jan 15 is a Thursday.
    expect(fires('0 0 9 15W * ?', SAT, 3)).toEqual([
      '2026-01-15T09:00:00.000Z',
      '2026-02-16T09:00:00.000Z',
      '2026-03-16T09:00:00.000Z',
    ]);
  });

  it('x/y steps start at x', () => {
    expect(fires('0 0/15 * * * ?', SAT, 5)).toEqual([
      '2026-01-03T00:15:00.000Z',
      '2026-01-03T00:30:00.000Z',
      '2026-01-03T00:45:00.000Z',
      '2026-01-03T01:00:00.000Z',
      '2026-01-03T01:15:00.000Z',
    ]);
    expect(fires('0 5/20 8 * * ?', SAT, 4)).toEqual([
      '2026-01-03T08:05:00.000Z',
      '2026-01-03T08:25:00.000Z',
      '2026-01-03T08:45:00.000Z',
      '2026-01-04T08:05:00.000Z',
    ]);
    expect(fires('*/30 * * * * ?', SAT, 3)).toEqual([
      '2026-01-03T00:00:30.000Z',
      '2026-01-03T00:01:00.000Z',
      '2026-01-03T00:01:30.000Z',
    ]);
  });

  it('wraps hour ranges past midnight (22-2)', () => {
    expect(fires('0 0 22-2 * * ?', '2026-01-02T23:30:00Z', 6)).toEqual([
      '2026-01-03T00:00:00.000Z',
      '2026-01-03T01:00:00.000Z',
      '2026-01-03T02:00:00.000Z',
      '2026-01-03T22:00:00.000Z',
      '2026-01-03T23:00:00.000Z',
      '2026-01-04T00:00:00.000Z',
    ]);
  });

  it('month names, day-of-month lists and the optional year field', () => {
    expect(fires('0 0 12 1,15 JAN-MAR ?', SAT, 3)).toEqual([
      '2026-01-15T12:00:00.000Z',
      '2026-02-01T12:00:00.000Z',
      '2026-02-15T12:00:00.000Z',
    ]);
    expect(fires('0 0 12 1 JAN ? 2028', SAT, 2)).toEqual(['2028-01-01T12:00:00.000Z']);
  });

  it('the schedule time zone is honoured', () => {
    // São Paulo is UTC-3 without daylight saving since 2019.
    expect(fires('0 0 9 ? * MON-FRI', SAT, 1, 'America/Sao_Paulo')).toEqual(['2026-01-05T12:00:00.000Z']);
  });
});

describe('Quartz expressions that are refused with a reason', () => {
  it.each([
    ['0 12 * * ?', /has 5 fields; Quartz needs 6 or 7/],
    ['0 0 12 1 * MON', /both a day-of-month and a day-of-week/],
    ['0 0 12 L-3 * ?', /L has to be/],
    ['0 0 12 ? * 0', /day-of-week value "0" is not in 1-7/],
    ['0 0 12 ? * 8', /not in 1-7/],
    ['0 60 12 * * ?', /Invalid value for minute: 60/],
    ['0 0 12 ? * 2#6', /nth weekday out of range/],
    ['0 0/0 12 * * ?', /illegal stepping/],
  ])('%s', (expression, reason) => {
    expect(() => quartzCron(expression)).toThrow(QuartzCronError);
    expect(() => quartzCron(expression)).toThrow(reason);
  });
});

describe('upcomingRuns', () => {
  const from = Date.parse('2026-01-05T11:00:00Z'); // Monday
  it('lists fire times within the horizon, sorted, with the runner when the schedule names one', () => {
    const { runs, warnings } = upcomingRuns(
      [
        { cron: '0 0 12 ? * MON-FRI', activityLabel: 'invoices', machineId: 'bot-01' },
        { cron: '0 30 11 * * ?', activityLabel: 'reports' },
        { cron: '0 0 13 * * ?', activityLabel: 'off', enabled: false },
        { cron: 'not a cron', activityLabel: 'broken', id: '7' },
      ],
      from,
      2 * 3_600_000,
    );
    expect(runs).toEqual([
      { activity: 'reports', at: Date.parse('2026-01-05T11:30:00Z') },
      { activity: 'invoices', runnerId: 'bot-01', at: Date.parse('2026-01-05T12:00:00Z') },
    ]);
    expect(warnings).toEqual([expect.stringMatching(/^schedule 7: Quartz cron "not a cron"/)]);
  });

  it('counts a run exactly at the start and caps the runs per schedule', () => {
    const { runs } = upcomingRuns(
      [{ cron: '0 * * * * ?', activityLabel: 'x' }],
      Date.parse('2026-01-05T11:00:00Z'),
      3_600_000,
      5,
    );
    expect(runs.map((r) => new Date(r.at).toISOString())).toEqual([
      '2026-01-05T11:00:00.000Z',
      '2026-01-05T11:01:00.000Z',
      '2026-01-05T11:02:00.000Z',
      '2026-01-05T11:03:00.000Z',
      '2026-01-05T11:04:00.000Z',
    ]);
  });
});
