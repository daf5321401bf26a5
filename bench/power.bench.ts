import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { hostSchema } from '../src-main/config/schema.js';
import type { PowerDriver } from '../src-main/core/power-driver.js';
import { AzureVmPowerDriver } from '../src-main/drivers/power/azure-vm.js';
import { Ec2PowerDriver } from '../src-main/drivers/power/aws-ec2.js';
import { AzureFakeServer } from '../test/fakes/azure/server.js';
import { generateTestTls } from '../test/fakes/azure/tls.js';
import { Ec2FakeServer } from '../test/fakes/ec2/server.js';
import { KeychainStore } from '../src-main/secrets/keychain-store.js';
import { MemorySecrets } from '../test/helpers/memory-secrets.js';
import { ec2Host, instanceId } from '../test/integration/power/helpers.js';
import type { BenchRow } from './bench-row.js';

/**
 * Calls per tick and observe time for 1 / 100 / 1,000 hosts per region (EC2) or subscription
 * (Azure), through the real SDKs against the wire-level fakes on 127.0.0.1. The Azure half runs in
 * a child process: Node reads NODE_EXTRA_CA_CERTS (the fake's test certificate) only at start.
 */

const SIZES = [1, 100, 1000];
const RUNS = 5;
const TENANT = '11111111-1111-1111-1111-111111111111';
const CLIENT = '22222222-2222-2222-2222-222222222222';
const SUB = '33333333-3333-3333-3333-333333333333';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function measure(
  area: string,
  unitName: string,
  driver: PowerDriver,
  hosts: ReturnType<typeof hostSchema.parse>[],
  target: string,
): Promise<BenchRow[]> {
  await driver.observe(hosts); // warm up: connections, tokens
  const times: number[] = [];
  let calls = 0;
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    const observation = await driver.observe(hosts);
    times.push(performance.now() - started);
    calls = observation.calls;
    if (observation.problems.length) throw new Error(observation.problems.join('; '));
  }
  const n = hosts.length;
  return [
    {
      area: 'power',
      metric: `${area} calls per tick, ${n} host(s)/${unitName}`,
      value: calls,
      unit: 'calls',
      note: target,
    },
    {
      area: 'power',
      metric: `${area} observe time, ${n} host(s)/${unitName}`,
      value: median(times),
      unit: 'ms',
      note: `median of ${RUNS}, fake on 127.0.0.1`,
    },
  ];
}

async function ec2Rows(): Promise<BenchRow[]> {
  const server = new Ec2FakeServer();
  process.env.AWS_ENDPOINT_URL_EC2 = await server.listen();
  const secrets = new MemorySecrets();
  await secrets.set('aws-secret:test', 'bench-secret');
  const driver = new Ec2PowerDriver({ secrets });
  try {
    for (let n = 1; n <= 3000; n++)
      server.world.addInstance({ id: instanceId(n), state: n % 2 ? 'running' : 'stopped' });
    const rows: BenchRow[] = [];
    for (const size of SIZES) {
      const hosts = Array.from({ length: size }, (_, index) => ec2Host(index + 1));
      rows.push(
        ...(await measure(
          'ec2',
          'region',
          driver,
          hosts,
          size === 1000
            ? 'target: 1 call per 1,000 hosts per region'
            : 'one DescribeInstances per ≤1,000 hosts',
        )),
      );
    }
    const regions = ['eu-west-1', 'us-east-1', 'ap-southeast-2'];
    const spread = Array.from({ length: 3000 }, (_, index) =>
      ec2Host(index + 1, { region: regions[index % 3] }),
    );
    rows.push(...(await measure('ec2', '3 regions', driver, spread, 'target: 3 calls (one per region)')));
    rows.push(...(await keychainRows()));
    return rows;
  } finally {
    driver.close();
    await server.close();
  }
}

/**
 * 60 hosts whose one access key sits in 60 OS-keychain entries (as the CLI and the UI store it, one
 * per host): still one DescribeInstances per tick. Runs under scripts/with-keychain.sh (npm run bench).
 */
async function keychainRows(): Promise<BenchRow[]> {
  const keychain = new KeychainStore(`session-manager-bench-${process.pid}`);
  const refs = Array.from({ length: 60 }, (_, index) => `aws-secret:bench-${index}`);
  const driver = new Ec2PowerDriver({ secrets: keychain });
  try {
    for (const ref of refs) await keychain.set(ref, 'bench-secret');
    const hosts = refs.map((ref, index) => ec2Host(index + 1, { secretAccessKey: ref }));
    const rows = await measure('ec2', 'region, keychain key per host', driver, hosts, 'target: 1 call');
    return rows.filter((row) => row.unit === 'calls');
  } finally {
    driver.close();
    for (const ref of refs) await keychain.delete(ref);
  }
}

async function azureRows(): Promise<BenchRow[]> {
  const server = new AzureFakeServer({ clients: { [TENANT]: { [CLIENT]: 'bench-secret' } } });
  await server.listen();
  const secrets = new MemorySecrets();
  await secrets.set('azure-secret:bench', 'bench-secret');
  const driver = new AzureVmPowerDriver({ secrets });
  try {
    for (let n = 1; n <= 1000; n++)
      server.world.addVm({
        subscriptionId: SUB,
        resourceGroup: 'rpa',
        name: `bot-${n}`,
        power: n % 2 ? 'running' : 'deallocated',
      });
    const rows: BenchRow[] = [];
    for (const size of SIZES) {
      const hosts = Array.from({ length: size }, (_, index) =>
        hostSchema.parse({
          id: `vm-${index + 1}`,
          address: '10.0.0.1',
          protocol: 'azure-vm',
          user: 'bot',
          password: 'host-password:vm',
          azure: {
            subscriptionId: SUB,
            resourceGroup: 'rpa',
            vmName: `bot-${index + 1}`,
            auth: 'client-secret',
            tenantId: TENANT,
            clientId: CLIENT,
            clientSecret: 'azure-secret:bench',
            authorityHost: server.url,
            armEndpoint: server.url,
          },
        }),
      );
      rows.push(
        ...(await measure(
          'azure',
          'subscription',
          driver,
          hosts,
          'target: 2 calls (status list + tag list of the resource group) per 1,000 VMs',
        )),
      );
    }
    return rows;
  } finally {
    await server.close();
  }
}

/** Runs the Azure half in a child that trusts the fake's certificate from its start. */
async function azureInChild(): Promise<BenchRow[]> {
  const tls = generateTestTls();
  try {
    const self = fileURLToPath(import.meta.url);
    const child = spawn(process.execPath, ['--import', 'tsx', self, '--azure-child'], {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: tls.caBundlePath, SM_TEST_AZURE_TLS_DIR: tls.dir },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (data: Buffer) => (out += data.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    if (code !== 0) throw new Error(`the Azure bench child exited with ${code}`);
    return JSON.parse(out.trim().split('\n').pop()!) as BenchRow[];
  } finally {
    rmSync(tls.dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<BenchRow[]> {
  return [...(await ec2Rows()), ...(await azureInChild())];
}

if (process.argv.includes('--azure-child') && import.meta.url === pathToFileURL(process.argv[1]!).href) {
  azureRows().then(
    (rows) => console.log(JSON.stringify(rows)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
