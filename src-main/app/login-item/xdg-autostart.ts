import { mkdir, rename, rm, writeFile, readFile } from 'node:fs/promises';
import path from 'node:path';

/** Writes or removes the XDG autostart entry (Linux). Atomic: a half-written entry never starts anything. */

export async function writeAutostartEntry(file: string, content: string | undefined): Promise<void> {
  if (content === undefined) {
    await rm(file, { force: true });
    return;
  }
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, content, { mode: 0o644 });
  await rename(temporary, file);
}

/** True when the entry exists and is not hidden or disabled (another tool may have turned it off). */
export async function autostartEntryEnabled(file: string): Promise<boolean> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return false;
  }
  return !/^Hidden=true\s*$/m.test(text) && !/^X-GNOME-Autostart-enabled=false\s*$/m.test(text);
}
