import type { BenchRow } from './bench-row.js';
import { createBotCityOrchestrator } from '../src-main/orchestrators/botcity/index.js';
import type { SecretStore } from '../src-main/secrets/secret-store.js';
import { FakeBotCity } from '../test/fakes/botcity/fake-botcity.js';

/**
 * Cost of one BotCity observation against the fake on loopback: requests per tick and ms per tick,
 * for 10 / 1,000 / 10,000 queued tasks spread over 500 runners (plus 5% running), steady state
 * (logged in, schedules cached), median of several ticks.
 */
const memorySecrets = (value: string): SecretStore => ({
  get: async () => value,
  set: async () => {},
  delete: async () => {},
});

async function measure(queued: number): Promise<BenchRow[]> {
  const fake = new FakeBotCity({ login: 'bench', key: 'bench-key' });
  const url = await fake.listen();
  try {
    for (let i = 0; i < queued; i++) fake.createTask({ activityLabel: 'a', machineId: `bot-${i % 500}` });
    for (let i = 0; i < Math.ceil(queued / 20); i++)
      fake.startTask(fake.createTask({ activityLabel: 'a', machineId: `bot-${i % 500}` }).id);
    for (let r = 0; r < 500; r++) fake.setOnline(`bot-${r}`, r % 3 !== 0);
    const client = createBotCityOrchestrator(
      { kind: 'botcity', server: url, login: 'bench', key: 'orchestrator-key:botcity', pollSeconds: 15 },
      memorySecrets('bench-key'),
    );
    const first = await client.observe(Date.now());
    if (!first.complete) throw new Error(`observation incomplete: ${first.problem}`);
    const ticks = queued >= 10_000 ? 5 : 15;
    const times: number[] = [];
    let requests = 0;
    for (let t = 0; t < ticks; t++) {
      const started = performance.now();
      const observation = await client.observe(Date.now());
      times.push(performance.now() - started);
      if (!observation.complete) throw new Error(`observation incomplete: ${observation.problem}`);
      requests = observation.requests;
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)]!;
    const label = `${queued.toLocaleString('en-US')} queued`;
    return [
      {
        area: 'orchestrator',
        metric: `requests per tick, ${label}`,
        value: requests,
        unit: 'requests',
        note: 'size=1000 pages; target ≤ 4 up to 1,000 (START, RUNNING, TIMEOUT, runners)',
      },
      {
        area: 'orchestrator',
        metric: `ms per tick, ${label}`,
        value: median,
        unit: 'ms',
        note: `median of ${ticks}, loopback fake`,
      },
      {
        area: 'orchestrator',
        metric: `first tick requests, ${label}`,
        value: first.requests,
        unit: 'requests',
        note: 'with login and schedules',
      },
    ];
  } finally {
    await fake.close();
  }
}

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const queued of [10, 1_000, 10_000]) rows.push(...(await measure(queued)));
  return rows;
}
