import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Builds dist-cli/ once, before any test runs, so the tests that run the installed CLI
 * (`bin/session-manager.js`, and the systemd unit's command line) run what the sources say now, and no
 * test rebuilds it under another one that is using it.
 */
export default function setup(): void {
  const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  execFileSync('npm', ['run', '--silent', 'build:cli'], {
    cwd: repoRoot,
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
}
