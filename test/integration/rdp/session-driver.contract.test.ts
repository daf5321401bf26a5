import { afterAll, beforeAll } from 'vitest';
import { RdpSessionDriver } from '../../../src-main/drivers/session/rdp/rdp-session-driver.js';
import type { SecretStore } from '../../../src-main/secrets/secret-store.js';
import { describeSessionDriverContract } from '../../contracts/session-driver.js';
import { startShadowServer, TEST_PASSWORD, TEST_USER, type ShadowServer } from '../../helpers/rdp-servers.js';

let shadow: ShadowServer;
beforeAll(async () => {
  shadow = await startShadowServer({ width: 1280, height: 720 });
}, 60_000);
afterAll(async () => {
  await shadow?.stop();
});

const secrets: SecretStore = {
  get: (ref) => Promise.resolve(ref === 'host-password:wrong' ? 'not-the-password' : TEST_PASSWORD),
  set: () => Promise.resolve(),
  delete: () => Promise.resolve(),
};

describeSessionDriverContract('RDP (IronRDP) against the FreeRDP shadow server', async () => {
  const spec = (n: number) => ({
    key: `shadow-${n}/${TEST_USER}`,
    hostId: `shadow-${n}`,
    host: '127.0.0.1',
    port: shadow.port,
    user: TEST_USER,
    passwordRef: 'host-password:right',
    width: 1280,
    height: 720,
  });
  return {
    driver: new RdpSessionDriver({ secrets }),
    spec,
    rejectedSpec: (n) => ({ ...spec(n), passwordRef: 'host-password:wrong' }),
  };
});
