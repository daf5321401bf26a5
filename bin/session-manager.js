#!/usr/bin/env node
// The CLI as compiled JavaScript (dist-cli/, built by `npm ci` / `npm install` through the `prepare`
// script): no TypeScript compiler runs when a command starts.
import { existsSync } from 'node:fs';
import process from 'node:process';
import { URL } from 'node:url';

const compiled = new URL('../dist-cli/session-manager.mjs', import.meta.url);
if (!existsSync(compiled)) {
  process.stderr.write(
    'session-manager: the CLI is not built yet: run `npm run build:cli` (npm ci does it)\n',
  );
  process.exit(6);
}
await import(compiled.href);
