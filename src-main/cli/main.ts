import { run } from './program.js';

/** The only place that sets the process's exit code. */
process.exitCode = await run(process.argv.slice(2), {
  io: {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY),
    env: process.env,
  },
});
