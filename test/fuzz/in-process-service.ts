import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigStore } from '../../src-main/config/config-store.js';
import { configSchema } from '../../src-main/config/schema.js';
import { startService, type RunningService } from '../../src-main/service/service.js';
import { Ec2FakeServer } from '../fakes/ec2/server.js';
import { InMemorySessionDriver } from '../fakes/in-memory-sessions.js';
import { MemorySecrets } from '../helpers/memory-secrets.js';

/**
 * The service's real wiring (startService: config file, watcher, handlers, HTTP server, event log) in
 * this process, for fuzzing its API quickly. Secrets live in memory and sessions are in-memory (the
 * fuzzers are about input handling, not the keychain or RDP); cloud calls go to a local fake EC2.
 */

export interface FuzzService {
  service: RunningService;
  configPath: string;
  url: string;
  token: string;
  close(): Promise<void>;
}

export async function startFuzzService(): Promise<FuzzService> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sm-fuzz-'));
  const configPath = path.join(dir, 'config.json');
  const ec2 = new Ec2FakeServer();
  process.env.AWS_ENDPOINT_URL_EC2 = await ec2.listen(0);
  new ConfigStore(configPath).save(
    configSchema.parse({
      version: 1,
      hosts: [
        {
          id: 'bot-01',
          address: '127.0.0.1:1',
          protocol: 'rdp',
          user: 'bot',
          password: 'host-password:bot-01',
        },
      ],
      runners: [{ id: 'fin-01', host: 'bot-01' }],
      notifications: { desktop: false, orchestratorAlerts: false },
    }),
  );
  const secrets = new MemorySecrets();
  await secrets.set('host-password:bot-01', 'pw');
  const service = await startService({
    configPath,
    dataDir: path.join(dir, 'data'),
    logFile: path.join(dir, 'logs', 'session-manager.log'),
    logToStdout: false,
    apiPort: 0,
    secrets,
    sessions: new InMemorySessionDriver(() => Date.now()),
    intervalMs: 3_600_000,
  });
  return {
    service,
    configPath,
    url: service.api!.url,
    token: (await secrets.get('api-token:default'))!,
    close: async () => {
      await service.stop();
      await ec2.close();
      delete process.env.AWS_ENDPOINT_URL_EC2;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
