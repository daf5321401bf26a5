import { z } from 'zod';

/**
 * An array read record by record: a record that fails `item` is left out and counted (`skipped`),
 * never failing its neighbours or the whole. For input from outside (an orchestrator's pages,
 * another instance's view).
 */
export function recordByRecord<T extends z.ZodType>(item: T) {
  return z.array(z.unknown()).transform((raw) => {
    const content: z.output<T>[] = [];
    for (const record of raw) {
      const parsed = item.safeParse(record);
      if (parsed.success) content.push(parsed.data);
    }
    return { content, skipped: raw.length - content.length, raw: raw.length };
  });
}
