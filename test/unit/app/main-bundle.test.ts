import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

/**
 * The packaged app carries only production dependencies. So every package the bundled main imports
 * at run time (esbuild leaves node_modules external, as `npm run build:main` does) must be in
 * package.json "dependencies", or be electron or a Node built-in.
 */

const root = fileURLToPath(new URL('../../../', import.meta.url));

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

describe('bundled Electron main', () => {
  it('imports only electron, Node built-ins and production dependencies', async () => {
    const result = await build({
      entryPoints: [path.join(root, 'src-main/app/main.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node22',
      packages: 'external',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const imported = new Set<string>();
    for (const output of Object.values(result.metafile.outputs))
      for (const entry of output.imports) if (entry.external) imported.add(packageName(entry.path));
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
    const missing = [...imported].filter(
      (name) => name !== 'electron' && !builtins.has(name) && !(name in pkg.dependencies),
    );
    expect(missing).toEqual([]);
    expect(imported).toContain('electron');
  });
});
