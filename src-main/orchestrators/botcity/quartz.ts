import { Cron } from 'croner';

export class QuartzCronError extends Error {
  constructor(expression: string, reason: string) {
    super(`Quartz cron "${expression}": ${reason}`);
    this.name = 'QuartzCronError';
  }
}

/**
 * croner reads Quartz (what Maestro's schedules use) itself with these options: weekdays 1=SUN..7=SAT,
 * `x/y` steps from x, seconds first and an optional year.
 */
const QUARTZ_OPTIONS = { alternativeWeekdays: true, sloppyRanges: true, mode: '6-or-7-parts' } as const;

interface FieldSpec {
  min: number;
  max: number;
  names?: readonly string[];
}
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
/** seconds, minutes, hours, day-of-month, month, day-of-week (Quartz numbering). */
const FIELDS: readonly FieldSpec[] = [
  { min: 0, max: 59 },
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: MONTHS },
  { min: 1, max: 7, names: DAYS },
];
const DAY_OF_MONTH = 3;
const DAY_OF_WEEK = 5;

function valueOf(token: string, spec: FieldSpec): number | undefined {
  const named = spec.names?.indexOf(token.toUpperCase()) ?? -1;
  if (named >= 0) return named + spec.min;
  return /^\d+$/.test(token) ? Number(token) : undefined;
}

/** Quartz lets a range wrap past the field's end (FRI-MON, 22-2); croner does not, so it becomes a list. */
function unwrapRange(item: string, spec: FieldSpec): string {
  const range = /^(\w+)-(\w+)(?:\/(\d+))?$/.exec(item);
  if (!range) return item;
  const from = valueOf(range[1]!, spec);
  const to = valueOf(range[2]!, spec);
  if (from === undefined || to === undefined || from <= to) return item;
  const step = range[3] === undefined ? 1 : Number(range[3]);
  if (step < 1) return item; // croner says why
  const span = spec.max - spec.min + 1;
  const values: number[] = [];
  for (let offset = 0; offset <= to + span - from; offset += step)
    values.push(((from - spec.min + offset) % span) + spec.min);
  return values.join(',');
}

function rewriteDayOfWeek(field: string, expression: string): string {
  return field
    .split(',')
    .map((item) => {
      if (item.toUpperCase() === 'L') return '7'; // Quartz: L alone in day-of-week is Saturday
      // croner would take 0 and 8 as Sunday; Quartz refuses them.
      for (const number of item.split('#')[0]!.match(/\d+/g) ?? [])
        if (Number(number) < 1 || Number(number) > 7)
          throw new QuartzCronError(expression, `day-of-week value "${number}" is not in 1-7 (1 = Sunday)`);
      return item;
    })
    .join(',');
}

/**
 * A paused croner job with the fire times of a Quartz expression. croner parses Quartz; this adds only
 * what it lacks: the field count named in the error, Quartz's refusal of a day-of-month together with a
 * day-of-week (croner would OR them), `L` alone as Saturday, weekdays outside 1-7 refused, and ranges
 * that wrap past the field's end.
 */
export function quartzCron(expression: string, timezone = 'UTC'): Cron {
  const fields = expression.trim().split(/\s+/);
  if (fields.length < 6 || fields.length > 7)
    throw new QuartzCronError(expression, `has ${fields.length} fields; Quartz needs 6 or 7 (seconds first)`);
  const given = (field: string | undefined) => field !== '?' && field !== '*';
  if (given(fields[DAY_OF_MONTH]) && given(fields[DAY_OF_WEEK]))
    throw new QuartzCronError(expression, 'gives both a day-of-month and a day-of-week (one must be "?")');
  const pattern = fields.map((field, index) => {
    const spec = FIELDS[index];
    if (!spec) return field; // the year
    const unwrapped = field
      .split(',')
      .map((item) => unwrapRange(item, spec))
      .join(',');
    return index === DAY_OF_WEEK ? rewriteDayOfWeek(unwrapped, expression) : unwrapped;
  });
  try {
    return new Cron(pattern.join(' '), { ...QUARTZ_OPTIONS, timezone, paused: true });
  } catch (error) {
    throw new QuartzCronError(expression, error instanceof Error ? error.message : String(error));
  }
}
