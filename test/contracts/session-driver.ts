import { PNG } from 'pngjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/eventually.js';
import {
  AUTH_ERRORS,
  type SessionDriver,
  type SessionSpec,
  type SessionStatus,
} from '../../src-main/core/session-driver.js';

/**
 * What every SessionDriver promises, whether it holds real RDP connections or pretends in memory.
 * The fixture gives specs that can log in, and a way to make one log-in fail for its credentials.
 */
export interface SessionDriverFixture {
  driver: SessionDriver;
  /** Spec n (distinct keys), able to log in. */
  spec(n: number): SessionSpec;
  /** A spec whose next log-in is refused for its credentials. */
  rejectedSpec(n: number): SessionSpec;
  teardown?: () => void | Promise<void>;
}

export function describeSessionDriverContract(
  name: string,
  setup: () => Promise<SessionDriverFixture>,
): void {
  describe(`SessionDriver contract: ${name}`, () => {
    let fixture: SessionDriverFixture;
    let driver: SessionDriver;
    beforeEach(async () => {
      fixture = await setup();
      driver = fixture.driver;
    });
    afterEach(async () => {
      await driver.dispose();
      await fixture.teardown?.();
    });

    it('open resolves logged in, at the spec’s size, and the session is listed', async () => {
      const spec = fixture.spec(1);
      const result = await driver.open(spec);
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(result.status).toMatchObject({
        key: spec.key,
        hostId: spec.hostId,
        user: spec.user,
        state: 'open',
        width: spec.width,
        height: spec.height,
      });
      expect(driver.list().map((s) => [s.key, s.state])).toEqual([[spec.key, 'open']]);
    });

    it('open is idempotent: a second open finds the same session', async () => {
      const spec = fixture.spec(1);
      await driver.open(spec);
      const again = await driver.open(spec);
      expect(again).toMatchObject({ ok: true, status: { key: spec.key, state: 'open' } });
      expect(driver.list()).toHaveLength(1);
    });

    it('close ends the session and is a no-op when repeated or unknown', async () => {
      const spec = fixture.spec(1);
      await driver.open(spec);
      const seen: SessionStatus[] = [];
      driver.onChange((status) => seen.push(status));
      await driver.close(spec.key);
      await driver.close(spec.key);
      await driver.close('no-such-session');
      expect(driver.list().filter((s) => s.key === spec.key && s.state !== 'closed')).toEqual([]);
      expect(seen.filter((s) => s.key === spec.key).map((s) => s.state)).toEqual(['closed']);
    });

    it('onChange reports changes until unsubscribed', async () => {
      const seen: SessionStatus[] = [];
      const unsubscribe = driver.onChange((status) => seen.push(status));
      await driver.open(fixture.spec(1));
      expect(seen.some((s) => s.key === fixture.spec(1).key && s.state === 'open')).toBe(true);
      unsubscribe();
      const count = seen.length;
      await driver.open(fixture.spec(2));
      expect(seen).toHaveLength(count);
    });

    it('a credentials failure is named as an authentication error and leaves a failed status', async () => {
      const spec = fixture.rejectedSpec(3);
      let result = await driver.open(spec);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      // A host that ends the logon without saying why is given one more try before it counts as a
      // wrong password (the service waits 5 minutes for it; a second open here is that try).
      if (result.error.kind === 'logon-unconfirmed') {
        expect(driver.list().find((s) => s.key === spec.key)).toMatchObject({ state: 'failed' });
        result = await driver.open(spec);
        expect(result.ok).toBe(false);
        if (result.ok) return;
      }
      expect(AUTH_ERRORS).toContain(result.error.kind);
      expect(result.error.message.length).toBeGreaterThan(0);
      expect(driver.list().find((s) => s.key === spec.key)).toMatchObject({ state: 'failed' });
    });

    it('thumbnail is a PNG no wider than asked for an open session, and undefined for an unknown one', async () => {
      const spec = fixture.spec(1);
      await driver.open(spec);
      const png = await eventually(() => driver.thumbnail(spec.key, 200), 'a thumbnail');
      const image = PNG.sync.read(Buffer.from(png));
      expect(image.width).toBeLessThanOrEqual(200);
      expect(image.width / image.height).toBeCloseTo(spec.width / spec.height, 1);
      expect(await driver.thumbnail('no-such-session', 200)).toBeUndefined();
    });

    it('sessions are independent: closing one leaves the other open', async () => {
      const [a, b] = [fixture.spec(1), fixture.spec(2)];
      await Promise.all([driver.open(a), driver.open(b)]);
      await driver.close(a.key);
      expect(driver.list().map((s) => [s.key, s.state])).toEqual([[b.key, 'open']]);
    });

    it('dispose closes everything', async () => {
      await Promise.all([driver.open(fixture.spec(1)), driver.open(fixture.spec(2))]);
      await driver.dispose();
      expect(driver.list().filter((s) => s.state !== 'closed')).toEqual([]);
    });
  });
}
