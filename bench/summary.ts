import type { BenchRow } from './bench-row.js';

/**
 * The one table of issue 11: the figures a user weighs Session Manager by, picked from all rows of
 * `npm run bench`. Each figure names the rows that give it (by area and metric); a figure with no row
 * is printed as missing and fails the run, so the table cannot silently lose a line.
 */
export interface SummaryFigure {
  figure: string;
  area: RegExp;
  metric: RegExp;
}

export const summaryFigures: SummaryFigure[] = [
  { figure: 'task visible → power-on call', area: /^service$/, metric: /^task → power-on call p(50|95)/ },
  {
    figure: 'RDP port open → session logged in (xrdp)',
    area: /^rdp:xrdp$/,
    metric: /^RDP port open → session logged in/,
  },
  { figure: 'plan + state view, 500 hosts (p95)', area: /^plan$/, metric: /^plan \+ state view, 500 hosts/ },
  {
    figure: 'plan + state view, 5,000 hosts (p95)',
    area: /^plan$/,
    metric: /^plan \+ state view, 5,?000 hosts/,
  },
  {
    figure: 'service resident memory, 1,000 hosts',
    area: /^service$/,
    metric: /^resident memory, 1,?000 hosts/,
  },
  { figure: 'orchestrator requests per tick', area: /^orchestrator$/, metric: /^requests per tick/ },
  { figure: 'cloud calls per tick', area: /^power$/, metric: /calls per tick/ },
  {
    figure: 'memory per idle kept session (10 on xrdp)',
    area: /^rdp:xrdp$/,
    metric: /^memory per idle kept session/,
  },
  {
    figure: 'CPU per idle kept session (10 on xrdp)',
    area: /^rdp:xrdp$/,
    metric: /^CPU per idle kept session/,
  },
  {
    figure: "scale-out: a killed instance's hosts held by the others",
    area: /^scale-out$/,
    metric: /^a killed instance/,
  },
  { figure: 'scale-out: heartbeat, 300 hosts among 3 instances', area: /^scale-out$/, metric: /^heartbeat/ },
  {
    figure: 'scale-out: sessions per instance, per GiB',
    area: /^rdp:xrdp$/,
    metric: /^sessions per instance/,
  },
  {
    figure: 'scale-out: coordination CPU per instance',
    area: /^scale-out$/,
    metric: /^coordination CPU per instance/,
  },
  { figure: 'simulator VM-hours', area: /^sim:/, metric: /^(policy|always-on|offline-optimum) VM-hours$/ },
  {
    figure: 'simulator task wait',
    area: /^sim:/,
    metric: /^(policy|always-on|offline-optimum) task wait (mean|p95)$/,
  },
];

export interface SummaryLine {
  figure: string;
  area: string;
  metric: string;
  value: number | null;
  unit: string;
  note?: string;
}

/** The summary lines in figure order; `missing` lists figures no row gave. */
export function summarize(rows: readonly BenchRow[]): { lines: SummaryLine[]; missing: string[] } {
  const lines: SummaryLine[] = [];
  const missing: string[] = [];
  for (const spec of summaryFigures) {
    const matched = rows.filter((row) => spec.area.test(row.area) && spec.metric.test(row.metric));
    if (matched.length === 0) {
      missing.push(spec.figure);
      lines.push({ figure: spec.figure, area: '', metric: '', value: null, unit: '', note: 'MISSING' });
    }
    for (const row of matched)
      lines.push({
        figure: spec.figure,
        area: row.area,
        metric: row.metric,
        value: row.value,
        unit: row.unit,
        ...(row.note ? { note: row.note } : {}),
      });
  }
  return { lines, missing };
}
