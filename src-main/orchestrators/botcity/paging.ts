import type { z } from 'zod';
import { BotCityError } from './errors.js';
import { parseJson } from './http.js';
import type { BotCitySession } from './session.js';

/** The fields of a Spring page that say whether more pages follow (any of them may be missing). */
interface PageEnd {
  content: readonly unknown[];
  /** Records that failed their schema and were skipped. */
  skipped: number;
  /** Records on the page, read or skipped. */
  raw: number;
  last?: boolean | null;
  empty?: boolean | null;
  totalPages?: number | null;
}

/** Whether `page` was the last one: trust `last`/`empty`/`totalPages`, else a short page ends the list. */
export function isLastPage(body: PageEnd, page: number, pageSize: number): boolean {
  return (
    body.last === true ||
    body.empty === true ||
    body.raw === 0 ||
    (body.totalPages != null && page + 1 >= body.totalPages) ||
    (body.last == null && body.totalPages == null && body.raw < pageSize)
  );
}

/**
 * Every item of a paged listing, page after page, and how many records were skipped. Returns undefined when the server has no such listing
 * (404 on the first page), so callers can say "unknown" rather than "none".
 */
export async function readAllPages<S extends z.ZodType<PageEnd>>(
  session: BotCitySession,
  path: string,
  schema: S,
  options: { pageSize: number; maxPages: number; noun: string },
): Promise<{ items: z.output<S>['content']; skipped: number } | undefined> {
  const items: unknown[] = [];
  let skipped = 0;
  for (let page = 0; page < options.maxPages; page++) {
    const what = `GET ${path} (page ${page})`;
    const response = await session.call({ method: 'GET', path, query: { page, size: options.pageSize } });
    if (response.status === 404 && page === 0) return undefined;
    if (response.status !== 200)
      throw new BotCityError('http', `${what}: unexpected HTTP ${response.status}`, {
        status: response.status,
      });
    const body = parseJson(response, schema, what);
    items.push(...body.content);
    skipped += body.skipped;
    if (isLastPage(body, page, options.pageSize)) return { items: items as z.output<S>['content'], skipped };
  }
  throw new BotCityError('malformed', `GET ${path}: more than ${options.maxPages} pages of ${options.noun}`);
}
