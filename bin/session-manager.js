#!/usr/bin/env node
// Runs the TypeScript sources through tsx, so the installed CLI needs no build step.
import { register } from 'tsx/esm/api';
register();
await import('../src-main/cli/main.ts');
