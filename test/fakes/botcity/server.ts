import { parseArgs } from 'node:util';
import { FakeBotCity } from './fake-botcity.js';

/**
 * Standalone fake Maestro: `npx tsx test/fakes/botcity/server.ts --port N [--login L --key K]`.
 * Prints `listening on http://127.0.0.1:PORT` once ready; stops on SIGINT/SIGTERM.
 */
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    login: { type: 'string' },
    key: { type: 'string' },
    organization: { type: 'string' },
    'token-ttl-seconds': { type: 'string' },
  },
});
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`invalid --port ${values.port}\n`);
  process.exit(2);
}
const fake = new FakeBotCity({
  ...(values.login ? { login: values.login } : {}),
  ...(values.key ? { key: values.key } : {}),
  ...(values.organization ? { organization: values.organization } : {}),
  ...(values['token-ttl-seconds'] ? { tokenTtlMs: Number(values['token-ttl-seconds']) * 1000 } : {}),
});
const url = await fake.listen(port);
process.stdout.write(`listening on ${url}\n`);
const stop = () => void fake.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
