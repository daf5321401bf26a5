import { BotCityError } from './errors.js';
import { parseJson } from './http.js';
import { isLastPage } from './paging.js';
import { taskPageSchema, taskSchema, type BotCityTask } from './schemas.js';
import type { BotCitySession } from './session.js';

export interface TaskListing {
  /** Distinct tasks (by id) in the wanted state. */
  tasks: BotCityTask[];
  /** Pages that changed while being read (a task appeared or left between two page reads). */
  shifted: boolean;
  /** Tasks the server returned in another state (stateFilter not honoured). */
  otherStates: number;
  /** Records that failed their schema and were skipped. */
  skipped: number;
}

interface TaskListOptions {
  pageSize: number;
  /** A listing longer than this is refused rather than read for ever. */
  maxPages: number;
}

const PATH = '/api/v2/task';

/**
 * One paged listing of every task in `state` (all runners at once: never one call per runner).
 * Pages are followed until `last`/`empty`; tasks are de-duplicated by id, filtered by state client-side,
 * and when the listing moved while it was read, it is read once more and both reads are merged
 * (a task that moved to a later page is then counted once, a task that moved to an earlier page is not lost).
 */
export async function listTasks(
  session: BotCitySession,
  state: string,
  options: TaskListOptions,
): Promise<TaskListing> {
  const first = await readOnce(session, state, options);
  if (!first.shifted) return first;
  const second = await readOnce(session, state, options);
  const byId = new Map(first.tasks.map((task) => [task.id, task]));
  for (const task of second.tasks) byId.set(task.id, task);
  return {
    tasks: [...byId.values()],
    shifted: true,
    otherStates: first.otherStates + second.otherStates,
    skipped: Math.max(first.skipped, second.skipped),
  };
}

async function readOnce(
  session: BotCitySession,
  state: string,
  options: TaskListOptions,
): Promise<TaskListing> {
  const byId = new Map<string, BotCityTask>();
  let shifted = false;
  let otherStates = 0;
  let skipped = 0;
  let total: number | undefined;
  for (let page = 0; ; page++) {
    if (page >= options.maxPages)
      throw new BotCityError(
        'malformed',
        `GET ${PATH}: more than ${options.maxPages} pages of ${state} tasks; refusing to read further`,
      );
    const what = `GET ${PATH} (${state}, page ${page})`;
    const response = await session.call({
      method: 'GET',
      path: PATH,
      query: { stateFilter: state, page, size: options.pageSize, sort: 'dateCreation,desc' },
    });
    if (response.status !== 200)
      throw new BotCityError('http', `${what}: unexpected HTTP ${response.status}`, {
        status: response.status,
      });
    const body = parseJson(response, taskPageSchema, what);
    skipped += body.skipped;
    if (body.number != null && body.number !== page)
      throw new BotCityError('malformed', `${what}: the server answered page ${body.number}`);
    if (body.totalElements != null) {
      if (total !== undefined && total !== body.totalElements) shifted = true;
      total = body.totalElements;
    }
    let fresh = 0;
    for (const task of body.content) {
      if (byId.has(task.id)) {
        shifted = true;
        continue;
      }
      if (task.state !== state) {
        otherStates++;
        continue;
      }
      byId.set(task.id, task);
      fresh++;
    }
    if (isLastPage(body, page, options.pageSize)) break;
    // A full page of nothing new means the server ignores `page`: stop instead of looping.
    if (fresh === 0 && body.content.every((task) => byId.has(task.id)))
      throw new BotCityError(
        'malformed',
        `${what}: the page repeats tasks already read (paging not honoured)`,
      );
  }
  return { tasks: [...byId.values()], shifted, otherStates, skipped };
}

/** The newest tasks in any state (one page, no stateFilter): how states never listed are learned. */
export async function newestTasks(
  session: BotCitySession,
  pageSize: number,
): Promise<{ tasks: BotCityTask[]; skipped: number }> {
  const what = `GET ${PATH} (newest, any state)`;
  const response = await session.call({
    method: 'GET',
    path: PATH,
    query: { page: 0, size: pageSize, sort: 'dateCreation,desc' },
  });
  if (response.status !== 200)
    throw new BotCityError('http', `${what}: unexpected HTTP ${response.status}`, {
      status: response.status,
    });
  const body = parseJson(response, taskPageSchema, what);
  return { tasks: body.content, skipped: body.skipped };
}

/** One task by id (`GET /api/v2/task/{id}`); undefined when it no longer exists (404). */
export async function taskById(session: BotCitySession, id: string): Promise<BotCityTask | undefined> {
  const what = `GET ${PATH}/${id}`;
  const response = await session.call({ method: 'GET', path: `${PATH}/${encodeURIComponent(id)}` });
  if (response.status === 404) return undefined;
  if (response.status !== 200)
    throw new BotCityError('http', `${what}: unexpected HTTP ${response.status}`, {
      status: response.status,
    });
  return parseJson(response, taskSchema, what);
}
