import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HostConfig } from '../../src-main/config/schema.js';
import type { PowerDriver, PowerErrorKind, PowerState } from '../../src-main/core/power-driver.js';

/**
 * What every PowerDriver promises, whatever cloud is behind it. Run against each implementation
 * with a world controller that seeds hosts in its own terms (EC2 instance states, Azure power
 * states, in-memory states) and lets time pass.
 */

/** The states a test can put a host in; `gone` = terminated / deleted. */
export type SeedState = 'on' | 'off' | 'starting' | 'stopping' | 'gone';

export interface PowerWorld {
  /** Host n's config (protocol settings pointing at this world). */
  host(n: number, extra?: Partial<HostConfig>): HostConfig;
  seed(host: HostConfig, state: SeedState, managed: boolean): void;
  /** Lets every transition in progress finish. */
  settle(): void;
  /** The next start meets this cloud error (as many times as the driver would retry it). */
  failNextStart(kind: Extract<PowerErrorKind, 'throttled' | 'capacity'>): void;
}

export interface PowerDriverFixture {
  driver: PowerDriver;
  world: PowerWorld;
  teardown?: () => void | Promise<void>;
}

export interface ContractOptions {
  /** false for the `none` driver: its hosts are always on and never powered, so seeds do not apply. */
  powered: boolean;
}

export function describePowerDriverContract(
  name: string,
  options: ContractOptions,
  setup: () => Promise<PowerDriverFixture>,
): void {
  describe(`PowerDriver contract: ${name}`, () => {
    let fixture: PowerDriverFixture;
    let driver: PowerDriver;
    let world: PowerWorld;
    const { powered } = options;

    beforeEach(async () => {
      fixture = await setup();
      ({ driver, world } = fixture);
    });
    afterEach(async () => {
      await fixture.teardown?.();
    });

    const observed = async (host: HostConfig) => (await driver.observe([host])).hosts.get(host.id);
    const stateOf = async (host: HostConfig): Promise<PowerState | undefined> =>
      (await observed(host))?.state;

    it('observes many hosts in batches: one entry per host, never one call per host', async () => {
      const seeds: SeedState[] = ['on', 'off', 'starting', 'stopping'];
      const hosts = Array.from({ length: 40 }, (_, index) => world.host(index + 1));
      hosts.forEach((host, index) => world.seed(host, seeds[index % 4]!, index % 2 === 0));
      const observation = await driver.observe(hosts);
      expect(observation.hosts.size).toBe(40);
      expect(observation.calls).toBeLessThan(5);
      expect(observation.problems).toEqual([]);
      hosts.forEach((host, index) => {
        const power = observation.hosts.get(host.id);
        expect(power?.hostId).toBe(host.id);
        expect(power?.state).toBe(powered ? seeds[index % 4] : 'on');
        expect(power?.managed).toBe(powered && index % 2 === 0);
      });
    });

    it('start is idempotent: off, starting and on all answer ok, and the host ends on', async () => {
      const host = world.host(1);
      world.seed(host, 'off', false);
      expect(await driver.start(host)).toMatchObject({ ok: true });
      expect(['starting', 'on']).toContain(await stateOf(host));
      expect(await driver.start(host)).toMatchObject({ ok: true });
      world.settle();
      expect(await stateOf(host)).toBe('on');
      expect(await driver.start(host)).toMatchObject({ ok: true });
    });

    it('stop is idempotent: on, stopping and off all answer ok', async () => {
      const host = world.host(1);
      world.seed(host, 'on', true);
      expect(await driver.stop(host)).toMatchObject({ ok: true });
      expect(await driver.stop(host)).toMatchObject({ ok: true });
      world.settle();
      expect(await stateOf(host)).toBe(powered ? 'off' : 'on');
      expect(await driver.stop(host)).toMatchObject({ ok: true });
    });

    if (!powered) return;

    it('a host it starts carries the managed tag', async () => {
      const host = world.host(1);
      world.seed(host, 'off', false);
      expect(await driver.start(host)).toMatchObject({ ok: true });
      world.settle();
      expect(await observed(host)).toMatchObject({ state: 'on', managed: true });
    });

    it('refuses to stop a running host it does not manage, unless the host opted in', async () => {
      const host = world.host(1);
      world.seed(host, 'on', false);
      expect(await driver.stop(host)).toMatchObject({ ok: false, error: 'not-managed' });
      expect(await stateOf(host)).toBe('on');
      expect(await driver.stop({ ...host, powerOffUnmanaged: true })).toMatchObject({ ok: true });
      world.settle();
      expect(await stateOf(host)).toBe('off');
    });

    it('a gone host: observe says gone, start is not-found, stop is success', async () => {
      const host = world.host(1);
      world.seed(host, 'gone', true);
      expect(await stateOf(host)).toBe('gone');
      expect(await driver.start(host)).toMatchObject({ ok: false, error: 'not-found' });
      expect(await driver.stop(host)).toMatchObject({ ok: true });
    });

    it('start while stopping is incorrect-state, to retry later', async () => {
      const host = world.host(1);
      world.seed(host, 'stopping', true);
      expect(await driver.start(host)).toMatchObject({ ok: false, error: 'incorrect-state' });
    });

    it('throttling is throttled with a wait to respect; capacity is capacity', async () => {
      const host = world.host(1);
      world.seed(host, 'off', true);
      world.failNextStart('throttled');
      const throttled = await driver.start(host);
      expect(throttled).toMatchObject({ ok: false, error: 'throttled' });
      expect(throttled.ok === false && throttled.retryAfterMs).toBeGreaterThan(0);
      world.failNextStart('capacity');
      expect(await driver.start(host)).toMatchObject({ ok: false, error: 'capacity' });
      expect(await stateOf(host)).toBe('off');
    });
  });
}
