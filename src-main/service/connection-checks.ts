import type { CheckResult, HostCheck, SecretReader } from '../api/manager-port.js';
import { parseAddress, type HostConfig } from '../config/schema.js';
import { createPowerDriver, type PowerDriverDeps } from '../drivers/power/index.js';
import { testRdpLogon } from '../drivers/session/rdp/index.js';
import type { SecretStore } from '../secrets/secret-store.js';

/**
 * The two halves of "Test connection", shared by the service (API, console wizard) and the CLI's
 * `host test`: each reads secrets from the reader it is given, so a host not saved yet is tested with
 * what was typed, and nothing is stored.
 */

/** Logs on over RDP as the host's user, the way its session would, and logs off at once. */
export async function checkSession(host: HostConfig, secrets: SecretReader): Promise<CheckResult> {
  const address = parseAddress(host.address);
  if (!address) return { ok: false, error: 'the address cannot be parsed' };
  if (host.password === undefined)
    return {
      ok: true,
      skipped: true,
      detail: 'power only: no session password, its runners use the console session',
    };
  const password = await secrets.get(host.password);
  if (password === undefined)
    return { ok: false, kind: 'missing-secret', error: 'no password is stored for this host' };
  return testRdpLogon({
    host: address.host,
    port: address.port,
    user: host.user,
    ...(host.domain ? { domain: host.domain } : {}),
    password,
    ...(host.certificate ? { pinnedCertificate: host.certificate } : {}),
  });
}

/** Reads the host's instance through its own driver with the candidate secrets: proves credentials and id. */
export async function checkCloud(
  host: HostConfig,
  secrets: SecretReader,
  deps: Omit<PowerDriverDeps, 'secrets'>,
): Promise<CheckResult> {
  if (host.protocol === 'rdp')
    return { ok: true, skipped: true, detail: 'an RDP host is always on: no cloud to check' };
  const store: SecretStore = { get: (ref) => secrets.get(ref), set: async () => {}, delete: async () => {} };
  const driver = createPowerDriver(host.protocol, { ...deps, secrets: store });
  try {
    const observation = await driver.observe([host]);
    const power = observation.hosts.get(host.id);
    if (!power || power.state === 'unknown')
      return { ok: false, error: observation.problems[0] ?? 'the cloud did not report this host' };
    if (power.state === 'gone')
      return {
        ok: false,
        error: `the ${host.protocol === 'aws-ec2' ? 'instance' : 'VM'} does not exist (${power.detail ?? 'gone'})`,
      };
    return {
      ok: true,
      detail: `${host.protocol === 'aws-ec2' ? host.aws?.instanceId : host.azure?.vmName} is ${power.detail ?? power.state}${power.managed ? ' (managed)' : ''}`,
    };
  } catch (error) {
    return failedCheck(error);
  } finally {
    (driver as { close?: () => void }).close?.();
  }
}

/** Both halves at once; never throws. */
export async function checkHost(
  host: HostConfig,
  secrets: SecretReader,
  powerDeps: Omit<PowerDriverDeps, 'secrets'>,
): Promise<HostCheck> {
  const [rdp, cloud] = await Promise.all([
    checkSession(host, secrets).catch(failedCheck),
    checkCloud(host, secrets, powerDeps),
  ]);
  return { rdp, cloud };
}

function failedCheck(error: unknown): CheckResult {
  return { ok: false, error: error instanceof Error ? error.message : String(error) };
}
