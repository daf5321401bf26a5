import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'session-manager';

export interface PackageRoot {
  dir: string;
  version: string;
}

/**
 * The product's own folder and version: the nearest package.json above this module that is ours (the
 * module may run from src-main/, or bundled into dist-cli/ or dist-app/, each at its own depth).
 */
export function packageRoot(): PackageRoot | undefined {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file)) {
      const manifest = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (manifest.name === PACKAGE_NAME && manifest.version) return { dir, version: manifest.version };
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
