import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (file: string) => readFileSync(new URL(`../../../${file}`, import.meta.url), 'utf8');

describe("README's first screen and CI", () => {
  const blocks = [...read('README.md').matchAll(/```sh\n([^\n]+)\n```/g)].map((match) => match[1]!);

  it('gives the demo command first and the test command second', () => {
    expect(blocks[0]).toMatch(/npm ci && npm run demo$/);
    expect(blocks[1]).toMatch(/npm ci && npm test$/);
  });

  it('.ci/run runs the test command verbatim', () => {
    const lines = read('.ci/run').split('\n');
    expect(lines).toContain(blocks[1]);
  });
});

describe('the runtime', () => {
  it('runs the tests on the Node that `npm ci` installs (a dev dependency), not on an older system Node', () => {
    const pinned = JSON.parse(read('node_modules/node/package.json')) as { version: string };
    const major = (version: string) => Number(version.split('.')[0]);
    expect(major(pinned.version)).toBeGreaterThanOrEqual(24);
    expect(process.versions.node).toBe(pinned.version);
  });
});
