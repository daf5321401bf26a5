import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient } from '../../../src-main/api/http-client.js';
import { API_TOKEN_REF } from '../../../src-main/api/token.js';
import { decryptCredential, unitEncryptedCredentials } from '../../../src-main/secrets/systemd-creds.js';
import { UnitCredentialStore } from '../../../src-main/secrets/unit-credential-store.js';
import { eventually } from '../../helpers/eventually.js';
import { runCliProcess, stopChild, START_TIMEOUT_MS } from '../../helpers/service-process.js';
import { callsFor, startWorld, type ServiceWorld } from './world.js';

/** `ExecStart=` split into its words as systemd does (double quotes group, backslash escapes). */
function execStartWords(unit: string): string[] {
  const line = /^ExecStart=(.*)$/m.exec(unit)?.[1];
  if (!line) throw new Error(`no ExecStart= in the unit:\n${unit}`);
  return [...line.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)].map((m) =>
    m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]!,
  );
}

/**
 * A headless Linux server: no D-Bus session, no keychain. `service install --system` puts the secrets
 * into the unit as encrypted systemd credentials; here they are decrypted into a credentials directory
 * the way systemd does at start, and the unit's own command line runs with $CREDENTIALS_DIRECTORY set,
 * as systemd runs it. The service reaches the orchestrator and the cloud with those secrets alone.
 */
describe('run local as a systemd unit on a headless server', () => {
  let world: ServiceWorld;
  let unitFile: string;

  beforeAll(async () => {
    world = await startWorld('headless');
    await world.addInstances(['i-0fa1000000000e001']);
    world.writeConfig([{ id: 'hl-01', instanceId: 'i-0fa1000000000e001', runnerId: 'hl-runner' }]);
    // A throw-away host key for systemd-creds, through systemd's own override: the machine's is never touched.
    process.env.SYSTEMD_CREDENTIAL_SECRET = path.join(mkdtempSync(path.join(tmpdir(), 'sm-credkey-')), 'key');
    const unitDir = mkdtempSync(path.join(tmpdir(), 'sm-units-'));
    // From the keychain of the test run, where the world stored the secrets.
    const install = await runCliProcess(
      [
        'service',
        'install',
        '--system',
        '--run-as',
        'rpa',
        '--unit-dir',
        unitDir,
        '--credentials',
        'keychain',
      ],
      { configPath: world.configPath },
    );
    expect(install.code, install.stderr).toBe(0);
    unitFile = path.join(unitDir, 'session-manager.service');
  }, 180_000);

  afterAll(async () => {
    await world?.stop();
  });

  it(
    'starts from the credentials alone, works the queue, and takes no secret changes',
    { timeout: 240_000 },
    async () => {
      const unit = readFileSync(unitFile, 'utf8');
      expect(unit).toContain('User=rpa');
      const credentials = unitEncryptedCredentials(unit);
      expect([...credentials.keys()].sort()).toEqual([
        'api-token.default',
        'aws-secret.svc-headless',
        'host-password.svc-headless',
        'orchestrator-key.svc-headless',
      ]);
      expect(unit).not.toContain('svc-host-password');

      // What systemd does at start: each credential decrypted into a private directory, owner-read-only.
      const credentialsDir = mkdtempSync(path.join(tmpdir(), 'sm-credentials-'));
      for (const [name, encrypted] of credentials)
        writeFileSync(path.join(credentialsDir, name), await decryptCredential(name, encrypted), {
          mode: 0o400,
        });
      const serviceDir = mkdtempSync(path.join(tmpdir(), 'sm-headless-'));
      const [command, ...args] = execStartWords(unit);
      const child = spawn(command!, args, {
        stdio: ['ignore', 'pipe', 'pipe'],
        // systemd's environment for a unit: no desktop session, so no keychain can be reached.
        env: {
          PATH: process.env.PATH,
          HOME: serviceDir,
          XDG_DATA_HOME: path.join(serviceDir, 'data'),
          XDG_STATE_HOME: path.join(serviceDir, 'state'),
          XDG_CACHE_HOME: path.join(serviceDir, 'cache'),
          DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/session-manager-test-bus',
          CREDENTIALS_DIRECTORY: credentialsDir,
          AWS_EC2_METADATA_DISABLED: 'true',
          ...world.env,
        },
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      try {
        const url = await eventually(
          () => /Web console: (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1],
          'the service to listen',
          START_TIMEOUT_MS,
        ).catch((error: Error) => {
          throw new Error(`${error.message}\n${output}`);
        });
        // The token is the unit's: root at the server's shell reads it the same way (`session-manager console`).
        const token = await new UnitCredentialStore(unitFile).get(API_TOKEN_REF);
        const api = createHttpClient({ baseUrl: url, token: token!, retryMs: 500 });
        await eventually(
          async () => (await api.getState()).orchestrator.status === 'ok' || undefined,
          'orchestrator login',
          60_000,
        );

        await world.queueTask('hl-runner');
        // The fake EC2 checks each request's SigV4 signature against the secret key: it came from the credentials.
        await eventually(
          async () =>
            callsFor(await world.ec2Calls(), 'StartInstances', 'i-0fa1000000000e001').length > 0 || undefined,
          'the host to be started',
          60_000,
        );

        await expect(api.editHost({ id: 'hl-01', password: 'a-new-password' })).rejects.toMatchObject({
          code: 'conflict',
          message: expect.stringContaining('systemd credentials'),
        });
      } catch (error) {
        // The service's own words say why (a failure under load in CI once left no trace of them).
        throw new Error(`${(error as Error).message}\n--- service output ---\n${output}`, { cause: error });
      } finally {
        const exit = await stopChild(child, 'SIGTERM', 60_000);
        expect(exit, `service output:\n${output}`).toEqual({ code: 0, signal: null });
      }
      expect(output).not.toContain('svc-host-password');
    },
  );
});
