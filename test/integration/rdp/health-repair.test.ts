import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../../src-main/core/clock.js';
import { EventLog } from '../../../src-main/core/event-log.js';
import type { EventKind } from '../../../src-main/core/events.js';
import { createTcpProbe } from '../../../src-main/core/readiness.js';
import { Reconciler } from '../../../src-main/core/reconciler.js';
import { RdpSessionDriver } from '../../../src-main/drivers/session/rdp/rdp-session-driver.js';
import { eventually } from '../../helpers/eventually.js';
import { MemorySecrets } from '../../helpers/memory-secrets.js';
import {
  ensureTestUser,
  startShadowServer,
  TEST_PASSWORD,
  TEST_USER,
  type ShadowServer,
} from '../../helpers/rdp-servers.js';
import { FakeOrchestrator } from '../../unit/core/loop-fakes.js';
import { host, makeConfig, runner, task } from '../../unit/core/world.js';

/**
 * A desktop's health end to end: the reconciler with the real RDP driver against FreeRDP's shadow
 * server, whose screen has its own size whatever the runner asks for. The session is found at the
 * wrong size, reconnected once at the configured size, found wrong again, and the operator is told
 * once what to change, with the screen kept as evidence. Windows' lock screen likewise, logged on again.
 */
const screens = path.resolve(import.meta.dirname, '../../fixtures/screens');
let shadow: ShadowServer | undefined;
let driver: RdpSessionDriver | undefined;
beforeAll(() => ensureTestUser());
afterEach(async () => {
  await driver?.dispose();
  await shadow?.stop();
  [driver, shadow] = [undefined, undefined];
});

describe('session health, detected and repaired on a real server', { timeout: 120_000 }, () => {
  it('a wrong-size screen: one reconnect at the configured size, then one alert with what to change', async () => {
    shadow = await startShadowServer({ width: 800, height: 600 });
    shadow.runOnDisplay('xterm', ['-geometry', '80x24+10+10']); // a desktop, not a blank screen
    const { reconciler, events, kept } = await watched(shadow, 1024, 768);
    const said = (kind: EventKind) => events.list({}).filter((event) => event.kind === kind);
    const closes = () => events.list({}).filter((e) => e.kind === 'session.closed');

    // Tick until the repair's reconnect has not helped and the operator is told.
    await eventually(
      async () => {
        await reconciler.tickNow();
        return said('session.repair-failed').length > 0;
      },
      'the repair-failed alert',
      90_000,
    );
    const [unhealthy] = said('session.unhealthy');
    expect(unhealthy).toMatchObject({
      sessionKey: 'bot-01/' + TEST_USER,
      data: { screen: true },
      message: expect.stringContaining('the screen is 800×600, not the 1024×768 configured'),
    });
    expect(said('session.opened').length).toBeGreaterThanOrEqual(2); // opened, then again after the repair
    const [failed] = said('session.repair-failed');
    expect(failed!.message).toContain("make the host's display match the runner's size");
    expect(kept).toEqual([unhealthy!.id, failed!.id]);

    // Said once: more looks at the same problem say nothing more and reconnect no more.
    const opensBefore = said('session.opened').length;
    for (let i = 0; i < 3; i++) await reconciler.tickNow();
    expect(said('session.repair-failed')).toHaveLength(1);
    expect(said('session.unhealthy')).toHaveLength(1);
    expect(said('session.opened')).toHaveLength(opensBefore);
    expect(closes().length).toBeLessThanOrEqual(2);
    expect(reconciler.state().sessions[0]?.health).toMatchObject({ state: 'wrong-size' });
    await reconciler.stop();
  });

  it("Windows' lock screen: logged on again once, then one alert with what to change", async () => {
    shadow = await startShadowServer({ width: 1024, height: 768 });
    const shown = shadow.showPage(path.join(screens, 'windows-10-lock.html'));
    // The reconciler's time runs 10 s ahead per look: the lock screen's 20 s to settle pass quickly.
    let skew = 0;
    const { reconciler, events, kept } = await watched(shadow, 1024, 768, { now: () => Date.now() + skew });
    const said = (kind: EventKind) => events.list({}).filter((event) => event.kind === kind);
    try {
      // In real time until Chromium draws the page on the session's screen (not blank any more).
      await eventually(
        async () => {
          await reconciler.tickNow();
          return driver?.list()[0]?.screen?.reading === 'lock-screen';
        },
        'the lock screen on the session',
        60_000,
      );
      await eventually(
        async () => {
          skew += 10_000;
          await reconciler.tickNow();
          return said('session.repair-failed').length > 0;
        },
        'the repair-failed alert',
        110_000,
      );
    } finally {
      await shown.stop();
    }
    expect(said('session.unhealthy')).toEqual([
      expect.objectContaining({
        message: expect.stringContaining("Windows' lock screen"),
        data: { screen: true },
      }),
    ]);
    // Never back to health in between: the lock screen seen again after the reconnect is the same spell.
    expect(said('session.healthy')).toEqual([]);
    expect(said('session.opened').length).toBeGreaterThanOrEqual(2);
    expect(said('session.repair-failed')[0]!.message).toContain("stop the user's session from locking");
    expect(kept).toHaveLength(2);
    await reconciler.stop();
  });

  it('a screen unchanged while a task runs: frozen, said once, never repaired, and clear once it moves', async () => {
    shadow = await startShadowServer({ width: 1024, height: 768 });
    shadow.runOnDisplay('xterm', ['-geometry', '80x24+10+10']);
    let skew = 0;
    const { reconciler, events, orchestrator } = await watched(shadow, 1024, 768, {
      now: () => Date.now() + skew,
    });
    const said = (kind: EventKind) => events.list({}).filter((event) => event.kind === kind);
    await untilUsable(reconciler);
    orchestrator.tasks = [task({ runnerId: 'fin-01', state: 'busy' })];
    skew = 6 * 60_000; // the xterm draws nothing: six minutes without a change
    await reconciler.tickNow();
    await reconciler.tickNow();
    expect(said('session.unhealthy')).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(
          /\(frozen\): the screen has not changed for 6 min while fin-01 runs a task/,
        ),
      }),
    ]);
    expect(reconciler.state().sessions[0]?.busy).toMatchObject({ looks: 2, changedLooks: 0 });
    expect(said('session.closed')).toEqual([]);
    // Something moves on the screen: usable again, said once.
    shadow.runOnDisplay('xterm', ['-geometry', '40x10+400+300']);
    await eventually(
      async () => {
        await reconciler.tickNow();
        return said('session.healthy').length === 1;
      },
      'the return to health',
      30_000,
    );
    await reconciler.stop();
  });

  it('a runner the orchestrator calls offline while its session is open: said once with what to change, never repaired', async () => {
    shadow = await startShadowServer({ width: 1024, height: 768 });
    shadow.runOnDisplay('xterm', ['-geometry', '80x24+10+10']);
    // The reconciler's clock can jump ahead: five minutes offline without waiting five minutes.
    let skew = 0;
    const { reconciler, events, orchestrator } = await watched(shadow, 1024, 768, {
      now: () => Date.now() + skew,
    });
    orchestrator.online['fin-01'] = false;
    const said = (kind: EventKind) => events.list({}).filter((event) => event.kind === kind);
    await untilUsable(reconciler);
    skew = 6 * 60_000;
    await reconciler.tickNow();
    await reconciler.tickNow();
    expect(said('session.unhealthy')).toEqual([
      expect.objectContaining({
        message: expect.stringContaining(
          `runner fin-01 has been offline 6 min while its session is open: set the BotCity Runner to start at logon of ${TEST_USER}`,
        ),
      }),
    ]);
    expect(said('session.opened')).toHaveLength(1);
    orchestrator.online['fin-01'] = true;
    await reconciler.tickNow();
    expect(said('session.healthy')).toHaveLength(1);
    await reconciler.stop();
  });
});

/**
 * The reconciler with the real RDP driver (on one clock), one rdp host on the shadow server and its
 * runner's size.
 */
async function watched(server: ShadowServer, width: number, height: number, clock?: Clock) {
  const config = makeConfig({
    hosts: [
      host('bot-01', {
        protocol: 'rdp',
        address: `127.0.0.1:${server.port}`,
        user: TEST_USER,
        aws: undefined,
      }),
    ],
    runners: [runner('fin-01', 'bot-01', { width, height })],
  });
  const secrets = new MemorySecrets();
  secrets.values.set('host-password:bot-01', TEST_PASSWORD);
  driver = new RdpSessionDriver({ secrets, ...(clock ? { now: () => clock.now() } : {}) });
  const orchestrator = new FakeOrchestrator();
  orchestrator.online['fin-01'] = true;
  orchestrator.tasks = [task({ runnerId: 'fin-01' })]; // queued: the session is wanted, no task runs
  const events = await EventLog.open();
  const kept: number[] = [];
  const reconciler = new Reconciler({
    config,
    orchestrator,
    powerDrivers: [],
    sessions: driver,
    readiness: createTcpProbe(),
    events,
    keepScreen: async (eventId) => void kept.push(eventId),
    ...(clock ? { clock } : {}),
  });
  return { reconciler, events, kept, orchestrator };
}

/** Ticks until the session is open with a usable desktop. */
async function untilUsable(reconciler: Reconciler): Promise<void> {
  await eventually(
    async () => {
      await reconciler.tickNow();
      return reconciler.state().sessions[0]?.health?.state === 'ok';
    },
    'the open session with a usable desktop',
    60_000,
  );
}
