import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { build } from 'vite';
import { rendererConfig } from '../../../src-renderer/vite.config.js';

/**
 * Builds the renderer once for every e2e suite: the output is keyed by a hash of the sources it is
 * made from, so parallel suites and repeated runs reuse one build (built to a temp dir, then renamed).
 */

const repo = path.resolve(import.meta.dirname, '../../..');
const sources = [
  'src-renderer',
  'src-main/api',
  'src-main/config',
  'src-main/core',
  'src-main/secrets',
  'package-lock.json',
];

function filesUnder(entry: string): string[] {
  const full = path.join(repo, entry);
  if (!existsSync(full)) return [];
  if (statSync(full).isFile()) return [full];
  return readdirSync(full, { withFileTypes: true })
    .flatMap((dirent) => filesUnder(path.join(entry, dirent.name)))
    .sort();
}

function sourceHash(): string {
  const hash = createHash('sha256');
  for (const file of sources.flatMap(filesUnder)) hash.update(file).update(readFileSync(file));
  return hash.digest('hex').slice(0, 16);
}

export async function buildRendererOnce(): Promise<string> {
  const root = path.join(repo, 'test-artifacts', 'renderer-build');
  const outDir = path.join(root, sourceHash());
  if (existsSync(path.join(outDir, 'index.html'))) return outDir;
  mkdirSync(root, { recursive: true });
  const temp = `${outDir}.tmp-${process.pid}`;
  // Vite and the React plugin pick React's production build from NODE_ENV, which Vitest sets to "test".
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ ...rendererConfig(temp), configFile: false, logLevel: 'error' });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
  try {
    renameSync(temp, outDir);
  } catch {
    // Another suite finished the same build first: use theirs.
    rmSync(temp, { recursive: true, force: true });
  }
  // Builds of older sources are of no further use.
  for (const entry of readdirSync(root))
    if (!entry.includes('.tmp-') && path.join(root, entry) !== outDir)
      rmSync(path.join(root, entry), { recursive: true, force: true });
  return outDir;
}
