import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** How many screens are kept: the newest, as events about a desktop's health are rare. */
const DEFAULT_LIMIT = 200;

/**
 * The screens kept as evidence of events about a desktop's health: one PNG per event, named by the
 * event's id, in a folder of the data directory; the oldest are removed past `limit`. A screen that
 * cannot be written is reported and lost; the event still says what was wrong.
 */
export class ScreenEvidence {
  constructor(
    private readonly dir: string,
    private readonly report: (problem: string) => void,
    private readonly limit = DEFAULT_LIMIT,
  ) {}

  async save(eventId: number, png: Uint8Array): Promise<void> {
    try {
      await mkdir(this.dir, { recursive: true });
      await writeFile(this.fileOf(eventId), png);
      await this.trim();
    } catch (error) {
      this.report(`the screen of event ${eventId} could not be kept in ${this.dir}: ${String(error)}`);
    }
  }

  /** The screen kept for the event, or undefined when none was (or it was trimmed). */
  async read(eventId: number): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await readFile(this.fileOf(eventId)));
    } catch {
      return undefined;
    }
  }

  private fileOf(eventId: number): string {
    if (!Number.isSafeInteger(eventId) || eventId < 1) throw new RangeError(`no event ${eventId}`);
    return path.join(this.dir, `${eventId}.png`);
  }

  private async trim(): Promise<void> {
    const ids = (await readdir(this.dir))
      .map((name) => /^(\d+)\.png$/.exec(name)?.[1])
      .filter((id): id is string => id !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
    for (const id of ids.slice(0, Math.max(0, ids.length - this.limit)))
      await rm(this.fileOf(id), { force: true });
  }
}
