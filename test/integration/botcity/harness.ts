import {
  createBotCityOrchestrator,
  type BotCityOptions,
} from '../../../src-main/orchestrators/botcity/index.js';
import { FakeBotCity, type FakeBotCityOptions } from '../../fakes/botcity/fake-botcity.js';
import { MemorySecrets } from '../../helpers/memory-secrets.js';

/** A clock that only moves when a test moves it. */
export class ManualClock {
  constructor(public ms = Date.parse('2026-01-05T10:00:00Z')) {}
  now = () => this.ms;
  advance(ms: number) {
    this.ms += ms;
  }
}

export const KEY = 'fake-key-9c1e7d';
export const KEY_REF = 'orchestrator-key:botcity';

/** A fake Maestro and a client pointed at it, with a manual clock and recorded (not slept) back-off waits. */
export async function setup(fakeOptions: FakeBotCityOptions = {}, clientOptions: BotCityOptions = {}) {
  const clock = new ManualClock();
  const fake = new FakeBotCity({ login: 'ws-login', key: KEY, now: clock.now, ...fakeOptions });
  const url = await fake.listen();
  const secrets = new MemorySecrets();
  await secrets.set(KEY_REF, KEY);
  const sleeps: number[] = [];
  const client = createBotCityOrchestrator(
    { kind: 'botcity', server: url, login: 'ws-login', key: KEY_REF, pollSeconds: 15 },
    secrets,
    {
      now: clock.now,
      random: () => 0.5,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      ...clientOptions,
    },
  );
  return { fake, client, clock, secrets, sleeps, url };
}
