/** Durations and counts in the words of the events. */

// `plan` words a reason for thousands of hosts every tick, mostly with the same few durations and
// counts: the common ones are made once, instead of a few new strings per host per tick.
const secondsWords = Array.from({ length: 120 }, (_, seconds) => `${seconds} s`);
const minutesWords = Array.from({ length: 120 }, (_, minutes) => `${minutes} min`);
const pluralWords = new Map<string, string[]>();
const PLURAL_CACHED = 1_000;

/** "42 s", "3 min", "1 h 5 min": durations in the words of the events. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 120) return secondsWords[seconds]!;
  const minutes = Math.round(seconds / 60);
  if (minutes < 120) return minutesWords[minutes]!;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest ? `${hours} h ${rest} min` : `${hours} h`;
}

/** "3 queued tasks" / "1 queued task". */
export function plural(count: number, word: string): string {
  if (!Number.isInteger(count) || count < 0 || count >= PLURAL_CACHED) return wordCount(count, word);
  let words = pluralWords.get(word);
  // Filled in place from the start: an array written at scattered indexes would fall back to a slow
  // dictionary layout.
  if (!words) pluralWords.set(word, (words = new Array<string>(PLURAL_CACHED).fill('')));
  return (words[count] ||= wordCount(count, word));
}

const queuedOldestWords = new Array<string>(PLURAL_CACHED).fill('');

/** " 3 queued tasks, oldest " (the middle of a reason: one string, not three joined per host per tick). */
export function queuedOldest(count: number): string {
  if (!Number.isInteger(count) || count < 0 || count >= PLURAL_CACHED)
    return ` ${wordCount(count, 'queued task')}, oldest `;
  return (queuedOldestWords[count] ||= ` ${plural(count, 'queued task')}, oldest `);
}

function wordCount(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
