/**
 * Quartz cron (what Maestro's schedules use) → a croner pattern with the same fire times.
 *
 * Quartz: `sec min hour day-of-month month day-of-week [year]`, day-of-week 1=SUN..7=SAT, `?` for "no
 * specific value", `x/y` steps from x, wrap-around ranges (FRI-MON, 22-2), `L`, `LW`, `nW` in day-of-month,
 * `nL` and `n#k` in day-of-week, and `L` alone in day-of-week meaning Saturday.
 * croner (default numbering): 0=SUN..6=SAT and stricter about steps, so each field is rewritten here:
 * ranges and steps become explicit lists, day-of-week numbers shift by one.
 */
export class QuartzCronError extends Error {
  constructor(expression: string, reason: string) {
    super(`Quartz cron "${expression}": ${reason}`);
    this.name = 'QuartzCronError';
  }
}

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: Record<string, number>;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

const FIELDS: FieldSpec[] = [
  { name: 'seconds', min: 0, max: 59 },
  { name: 'minutes', min: 0, max: 59 },
  { name: 'hours', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: Object.fromEntries(MONTHS.map((m, i) => [m, i + 1])) },
  { name: 'day-of-week', min: 1, max: 7, names: Object.fromEntries(DAYS.map((d, i) => [d, i + 1])) },
  { name: 'year', min: 1970, max: 2199 },
];

/** Quartz day-of-week (1=SUN..7=SAT) → croner's (0=SUN..6=SAT). */
export function quartzDayToCron(day: number): number {
  return day - 1;
}

function toNumber(text: string, spec: FieldSpec, expression: string): number {
  const upper = text.toUpperCase();
  const value = spec.names?.[upper] ?? (/^\d+$/.test(text) ? Number(text) : NaN);
  if (!Number.isInteger(value) || value < spec.min || value > spec.max)
    throw new QuartzCronError(expression, `${spec.name} value "${text}" is not in ${spec.min}-${spec.max}`);
  return value;
}

/** `a`, `a-b`, `a/s`, `a-b/s`, `*` + `/s` → the values, wrapping ranges past the field's end as Quartz does. */
function expand(item: string, spec: FieldSpec, expression: string): number[] {
  const [range, stepText, extra] = item.split('/');
  if (extra !== undefined || range === undefined || range === '')
    throw new QuartzCronError(expression, `${spec.name} "${item}" is not a valid step`);
  const step = stepText === undefined ? 1 : Number(stepText);
  if (!Number.isInteger(step) || step < 1)
    throw new QuartzCronError(expression, `${spec.name} step in "${item}" must be a positive integer`);
  let from: number;
  let to: number;
  if (range === '*') {
    from = spec.min;
    to = spec.max;
  } else if (range.includes('-')) {
    const parts = range.split('-');
    if (parts.length !== 2) throw new QuartzCronError(expression, `${spec.name} range "${range}" is invalid`);
    from = toNumber(parts[0]!, spec, expression);
    to = toNumber(parts[1]!, spec, expression);
  } else {
    from = toNumber(range, spec, expression);
    // Quartz: "5/15" runs from 5 to the end of the field; a bare "5" is just 5.
    to = stepText === undefined ? from : spec.max;
  }
  const span = spec.max - spec.min + 1;
  const length = to >= from ? to - from : to + span - from; // wrap-around (e.g. FRI-MON, 22-2)
  const values: number[] = [];
  for (let offset = 0; offset <= length; offset += step)
    values.push(((from - spec.min + offset) % span) + spec.min);
  return values;
}

function convertDayOfWeek(field: string, expression: string): string {
  const spec = FIELDS[5]!;
  if (field === '*') return '*';
  const out: string[] = [];
  for (const item of field.split(',')) {
    const upper = item.toUpperCase();
    if (upper === 'L') {
      out.push(String(quartzDayToCron(7))); // Quartz: L alone in day-of-week is Saturday
      continue;
    }
    const nth = /^([A-Z]{3}|\d)#(\d)$/.exec(upper);
    if (nth) {
      const k = Number(nth[2]);
      if (k < 1 || k > 5) throw new QuartzCronError(expression, `"${item}": the nth weekday must be 1-5`);
      out.push(`${quartzDayToCron(toNumber(nth[1]!, spec, expression))}#${k}`);
      continue;
    }
    const lastOf = /^([A-Z]{3}|\d)L$/.exec(upper);
    if (lastOf) {
      out.push(`${quartzDayToCron(toNumber(lastOf[1]!, spec, expression))}L`);
      continue;
    }
    out.push(...expand(item, spec, expression).map(quartzDayToCron).map(String));
  }
  return [...new Set(out)].join(',');
}

function convertDayOfMonth(field: string, expression: string): string {
  const spec = FIELDS[3]!;
  if (field === '*') return '*';
  const upper = field.toUpperCase();
  if (upper === 'L' || upper === 'LW') return upper;
  if (/^L-\d+$/.test(upper))
    throw new QuartzCronError(expression, `"${field}" (days before the end of the month) is not supported`);
  const near = /^(\d{1,2})W$/.exec(upper);
  if (near) return `${toNumber(near[1]!, spec, expression)}W`;
  if (/[LW]/.test(upper))
    throw new QuartzCronError(expression, `day-of-month "${field}" mixes L or W with other values`);
  return [...new Set(field.split(',').flatMap((item) => expand(item, spec, expression)))].join(',');
}

function convertPlain(field: string, spec: FieldSpec, expression: string): string {
  if (field === '*') return '*';
  return [...new Set(field.split(',').flatMap((item) => expand(item, spec, expression)))]
    .sort((a, b) => a - b)
    .join(',');
}

/** Returns a croner pattern (6 or 7 parts, default weekday numbering, OR of day fields is never needed). */
export function quartzToCroner(expression: string): string {
  const fields = expression.trim().split(/\s+/);
  if (fields.length < 6 || fields.length > 7)
    throw new QuartzCronError(expression, `has ${fields.length} fields; Quartz needs 6 or 7 (seconds first)`);
  const normalized = fields.map((field) => (field === '?' ? '*' : field));
  const dayOfMonthGiven = fields[3] !== '?' && fields[3] !== '*';
  const dayOfWeekGiven = fields[5] !== '?' && fields[5] !== '*';
  // Quartz refuses both at once; croner would OR them, which is not what the author meant either.
  if (dayOfMonthGiven && dayOfWeekGiven)
    throw new QuartzCronError(expression, 'gives both a day-of-month and a day-of-week (one must be "?")');
  const out = [
    convertPlain(normalized[0]!, FIELDS[0]!, expression),
    convertPlain(normalized[1]!, FIELDS[1]!, expression),
    convertPlain(normalized[2]!, FIELDS[2]!, expression),
    convertDayOfMonth(normalized[3]!, expression),
    convertPlain(normalized[4]!, FIELDS[4]!, expression),
    convertDayOfWeek(normalized[5]!, expression),
  ];
  if (normalized[6] !== undefined) out.push(convertPlain(normalized[6], FIELDS[6]!, expression));
  return out.join(' ');
}
