#!/usr/bin/env node
// The CLI as compiled JavaScript (dist-cli/, built by `npm ci` / `npm install` through the `prepare`
// script): no TypeScript compiler runs when a command starts.
import { existsSync } from 'node:fs';

const compiled = new URL('../dist-cli/session-manager.mjs', import.meta.url);
if (!existsSync(compiled)) {
  console.error('session-manager: the CLI is not built yet: run `npm run build:cli` (npm ci does it)');
  process.exit(6);
}
await import(compiled.href);
