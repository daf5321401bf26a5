import { readFileSync } from 'node:fs';
import path from 'node:path';
import { writeFile } from 'atomically';
import { afterRestart, memoryFromJson, memoryToJson, type PlanMemory } from '../core/memory.js';

/**
 * The plan's memory on disk, next to the config (`plan-memory.json`): learned boot leads, back-off,
 * failed marks, pending starts and blocked sessions survive a restart or a crash. Written atomically
 * (a crash leaves the old file or the new one, never half of one), readable by the owner only.
 */
export class PlanMemoryFile {
  readonly file: string;
  private saved: string | undefined;

  /** `report` hears, in words, why a file could not be used (it is then ignored, never fatal). */
  constructor(
    configPath: string,
    private readonly report: (problem: string) => void,
  ) {
    this.file = path.join(path.dirname(configPath), 'plan-memory.json');
  }

  /** The memory saved by the previous run, ready to plan with; undefined when none is usable. */
  load(): PlanMemory | undefined {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        this.report(
          `The plan memory ${this.file} could not be read (${(error as Error).message}); starting afresh`,
        );
      return undefined;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = undefined;
    }
    const read = memoryFromJson(value);
    if ('problem' in read) {
      this.report(`The plan memory ${this.file} is ignored: ${read.problem}; starting afresh`);
      return undefined;
    }
    this.saved = text;
    return afterRestart(read.memory);
  }

  /**
   * Saves the memory if it changed since the last save. Never throws: a failed write (a full disk, or
   * the process exiting while its temporary file is written) is reported, and the next tick saves again.
   */
  async save(memory: PlanMemory): Promise<void> {
    const text = JSON.stringify(memoryToJson(memory));
    if (text === this.saved) return;
    try {
      await writeFile(this.file, text, { mode: 0o600 });
      this.saved = text;
    } catch (error) {
      this.report(
        `The plan memory ${this.file} could not be saved (${(error as Error).message}); it is saved again at the next tick`,
      );
    }
  }
}
