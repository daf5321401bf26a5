import { appendFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { EventKind, ManagerEvent, NewEvent } from './events.js';

/** The part of a pino logger the event log writes to. */
export interface EventLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

interface EventLogOptions {
  /** JSON-lines file that keeps the history across restarts; absent = memory only. */
  file?: string;
  /** Events kept in memory and in the file (the file is trimmed to this). Default 1,000. */
  limit?: number;
  /** Every event is also logged here (pino). */
  logger?: EventLogger;
  /** Clock for events appended without `at`. */
  now?: () => number;
}

type EventListener = (event: ManagerEvent) => void;

const storedEventSchema = z.object({
  id: z.number().int().positive(),
  at: z.number(),
  kind: z.string() as z.ZodType<EventKind>,
  severity: z.enum(['info', 'warning', 'error']),
  message: z.string(),
  hostId: z.string().optional(),
  runnerId: z.string().optional(),
  data: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
});

/**
 * Every decision, action, outcome and error as a structured event with an increasing id. Keeps the
 * latest `limit` events in memory and in a JSON-lines file (so the UI's history survives restarts),
 * lets SSE clients subscribe and replay from an id, and logs each event through pino.
 */
export class EventLog {
  private readonly events: ManagerEvent[] = [];
  private readonly listeners = new Set<EventListener>();
  private readonly limit: number;
  private nextId = 1;
  private linesInFile = 0;
  private writing: Promise<void> = Promise.resolve();
  private writeError: unknown;

  private constructor(private readonly options: EventLogOptions) {
    this.limit = options.limit ?? 1_000;
  }

  /** Opens the log, loading the history kept in `file` (lines that do not parse are skipped). */
  static async open(options: EventLogOptions = {}): Promise<EventLog> {
    const log = new EventLog(options);
    if (options.file) await log.load(options.file);
    return log;
  }

  /** Id of the latest event (0 when none). */
  get lastId(): number {
    return this.nextId - 1;
  }

  append(event: NewEvent): ManagerEvent {
    const stored: ManagerEvent = {
      ...event,
      id: this.nextId++,
      at: event.at ?? (this.options.now ?? Date.now)(),
    };
    this.events.push(stored);
    if (this.events.length > this.limit) this.events.splice(0, this.events.length - this.limit);
    this.log(stored);
    if (this.options.file) this.persist(this.options.file, stored);
    for (const listener of this.listeners) {
      try {
        listener(stored);
      } catch {
        // A failing subscriber (e.g. a closed SSE stream) must not stop the others or the loop.
      }
    }
    return stored;
  }

  /** Events after `afterId` (all kept when absent), oldest first, at most `limit` (the latest ones). */
  list(options: { afterId?: number; limit?: number } = {}): ManagerEvent[] {
    const after = options.afterId ?? 0;
    const start = this.firstIndexAfter(after);
    const found = this.events.slice(start);
    return options.limit !== undefined ? found.slice(Math.max(0, found.length - options.limit)) : found;
  }

  /**
   * Calls `listener` for every new event; with `afterId`, first replays the kept events after it
   * (SSE `Last-Event-ID`). Returns the unsubscribe function.
   */
  subscribe(listener: EventListener, afterId?: number): () => void {
    if (afterId !== undefined) for (const event of this.list({ afterId })) listener(event);
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves when every event appended so far is in the file; rejects with the last write error. */
  async flush(): Promise<void> {
    await this.writing;
    if (this.writeError) {
      const error = this.writeError;
      this.writeError = undefined;
      throw error;
    }
  }

  private firstIndexAfter(afterId: number): number {
    // Ids increase, so a binary search finds the first event after `afterId`.
    let low = 0;
    let high = this.events.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.events[mid]!.id <= afterId) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  private log(event: ManagerEvent): void {
    const logger = this.options.logger;
    if (!logger) return;
    const fields = {
      eventId: event.id,
      kind: event.kind,
      ...(event.hostId ? { hostId: event.hostId } : {}),
      ...(event.runnerId ? { runnerId: event.runnerId } : {}),
      ...(event.data ? { data: event.data } : {}),
    };
    if (event.severity === 'error') logger.error(fields, event.message);
    else if (event.severity === 'warning') logger.warn(fields, event.message);
    else logger.info(fields, event.message);
  }

  private async load(file: string): Promise<void> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    const loaded: ManagerEvent[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        const parsed = storedEventSchema.safeParse(JSON.parse(line));
        if (parsed.success) loaded.push(parsed.data as ManagerEvent);
      } catch {
        // A torn last line (crash while writing) is skipped, not fatal.
      }
    }
    loaded.sort((a, b) => a.id - b.id);
    this.events.push(...loaded.slice(Math.max(0, loaded.length - this.limit)));
    this.nextId = (loaded.at(-1)?.id ?? 0) + 1;
    this.linesInFile = loaded.length;
  }

  private persist(file: string, event: ManagerEvent): void {
    this.writing = this.writing.then(async () => {
      try {
        if (this.linesInFile === 0) await mkdir(path.dirname(file), { recursive: true });
        await appendFile(file, `${JSON.stringify(event)}\n`, { mode: 0o600 });
        this.linesInFile++;
        // Trim when the file holds twice what is kept: rewrite the kept events atomically.
        if (this.linesInFile > 2 * this.limit) {
          const kept = this.events.filter((kept) => kept.id <= event.id);
          const tmp = `${file}.${process.pid}.tmp`;
          await writeFile(tmp, kept.map((kept) => JSON.stringify(kept)).join('\n') + '\n', { mode: 0o600 });
          await rename(tmp, file);
          this.linesInFile = kept.length;
        }
      } catch (error) {
        this.writeError = error;
      }
    });
  }
}
