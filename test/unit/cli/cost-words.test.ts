import { describe, expect, it } from 'vitest';
import { costCsv, describeCost } from '../../../src-main/cli/commands/cost.js';
import { describeWhatIf } from '../../../src-main/cli/commands/whatif.js';
import type { CostReport } from '../../../src-main/history/cost.js';
import type { WhatIfReport } from '../../../src-main/history/whatif.js';

const row = (key: string, vmHours: number, cost?: number) => ({
  key,
  vmHours,
  ...(cost !== undefined && { cost }),
  starts: 2,
  stops: 2,
  sessionHours: vmHours - 0.5,
  tasks: 3,
  waitMeanSeconds: 40.4,
  waitP95Seconds: 90,
  alwaysOnVmHours: 24,
  ...(cost !== undefined && { alwaysOnCost: 12 }),
});

const report: CostReport = {
  from: Date.UTC(2026, 11, 1),
  to: Date.UTC(2026, 11, 2),
  by: 'host',
  currency: 'EUR',
  rows: [row('bot-01', 3, 1.5), row('=cmd', 1, 0.5)],
  total: row('total', 4, 2),
};

describe('cost and whatif in words', () => {
  it('prints the table with money, the saving against always on, and the total last', () => {
    const text = describeCost(report);
    expect(text.split('\n')[0]).toBe(
      'Cost by host, 2026-12-01T00:00:00.000Z to 2026-12-02T00:00:00.000Z: 83 % fewer VM-hours than always on.',
    );
    expect(text).toMatch(
      /^bot-01\s+3\.00\s+1\.50 EUR\s+2\/2\s+2\.50\s+3\s+40 s\s+90 s\s+24\.00\s+12\.00 EUR$/m,
    );
    expect(text.split('\n').at(-1)).toMatch(/^total\s+4\.00\s+2\.00 EUR/);
  });

  it('writes CSV with raw numbers, and escapes a cell a spreadsheet would run as a formula', () => {
    const lines = costCsv(report).split('\n');
    expect(lines[0]).toBe(
      'key,vmHours,cost,starts,stops,sessionHours,tasks,waitMeanSeconds,waitP95Seconds,alwaysOnVmHours,alwaysOnCost,currency',
    );
    expect(lines[1]).toBe('bot-01,3,1.5,2,2,2.5,3,40.4,90,24,12,EUR');
    expect(lines[2]!.startsWith("'=cmd,")).toBe(true);
  });

  it('prints the four what-if columns side by side, and what was learned', () => {
    const column = (name: WhatIfReport['columns'][number]['name'], vmHours: number) => ({
      name,
      vmHours,
      starts: 4,
      tasks: 10,
      meanWaitSeconds: 30,
      p95WaitSeconds: 80,
    });
    const text = describeWhatIf({
      from: Date.UTC(2026, 10, 27, 6),
      to: Date.UTC(2026, 11, 4, 6),
      currency: 'USD',
      proposed: { idleGraceMinutes: 5 },
      columns: [
        column('recorded', 20),
        column('current', 19.5),
        column('proposed', 15),
        column('optimum', 12),
      ],
      replay: {
        tasks: 10,
        skippedTasks: 1,
        tickSeconds: 15,
        stopSeconds: 45,
        sessionOpenSeconds: 10,
        bootSeconds: { 'bot-01': 110 },
      },
    });
    expect(text).toContain(
      '2026-11-27 06:00 to 2026-12-04 06:00 UTC: 10 recorded tasks replayed (1 of runners no longer on a cloud host left out); proposed: idleGraceMinutes 5.',
    );
    expect(text).toMatch(/^\s+recorded\s+current\s+proposed\s+optimum$/m);
    expect(text).toMatch(/^VM-hours\s+20\.00\s+19\.50\s+15\.00\s+12\.00$/m);
    expect(text).toMatch(/^cost\s+-\s+-\s+-\s+-$/m);
    expect(text).toContain('Learned from the history: boot bot-01 110 s; stop 45 s; a tick every 15 s.');
  });
});
