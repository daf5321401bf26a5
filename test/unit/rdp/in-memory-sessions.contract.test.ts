import { describeSessionDriverContract } from '../../contracts/session-driver.js';
import { InMemorySessionDriver } from '../../fakes/in-memory-sessions.js';

let clock = 0;
describeSessionDriverContract('in-memory', async () => {
  const driver = new InMemorySessionDriver(() => ++clock);
  const spec = (n: number) => ({
    key: `host-${n}/bot`,
    hostId: `host-${n}`,
    host: '10.0.0.1',
    port: 3389,
    user: 'bot',
    passwordRef: `host-password:host-${n}`,
    width: 1280,
    height: 720,
  });
  return {
    driver,
    spec,
    rejectedSpec: (n) => {
      driver.failNextOpen({ kind: 'logon-failure', message: 'wrong password' }, spec(n).key);
      return spec(n);
    },
  };
});
