import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two files at a time even on a 2-core machine (Vitest's default there is one): most slow files
    // wait on real servers and clocks rather than compute, so they overlap well.
    maxWorkers: 2,
    // Makes the fake Azure server's test certificate and trusts it via NODE_EXTRA_CA_CERTS in every worker.
    // Builds the compiled CLI (dist-cli/) once for the tests that run bin/session-manager.js.
    globalSetup: ['./test/fakes/azure/global-setup.ts', './test/helpers/compile-cli-global-setup.ts'],
    reporters: ['default', './test/helpers/plain-summary-reporter.ts'],
  },
});
