import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notificationsSchema } from '../../../src-main/config/schema.js';
import type { ManagerEvent, NewEvent } from '../../../src-main/core/events.js';
import type { OrchestratorAlert } from '../../../src-main/core/orchestrator.js';
import { buildSinks } from '../../../src-main/notifications/build-sinks.js';
import { NotificationDispatcher, type Schedule } from '../../../src-main/notifications/dispatcher.js';
import type { NotificationSink } from '../../../src-main/notifications/notification.js';
import { startReceiver } from './receivers.js';

const MIN = 60_000;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver.close();
});

let nextId = 1;
const event = (kind: ManagerEvent['kind'], at: number, extra: Partial<ManagerEvent> = {}): ManagerEvent => ({
  id: nextId++,
  at,
  kind,
  severity: 'info',
  message: `${kind} at minute ${at / MIN}`,
  ...extra,
});

/** Secrets by ref, for tests that are not about the keychain (the webhook test uses the real one). */
const secretsWith = (values: Record<string, string>) => ({
  get: async (ref: string) => values[ref],
});

/** A clock and a timer queue the test moves by hand. */
function manualTime() {
  const time = { now: 0 };
  const timers: Array<{ at: number; run: () => void; cancelled: boolean }> = [];
  const schedule: Schedule = (run, delayMs) => {
    const timer = { at: time.now + delayMs, run, cancelled: false };
    timers.push(timer);
    return () => (timer.cancelled = true);
  };
  const advance = (to: number) => {
    time.now = to;
    for (const timer of timers.filter((t) => !t.cancelled && t.at <= to)) {
      timer.cancelled = true;
      timer.run();
    }
  };
  return { time, schedule, advance, pending: () => timers.filter((t) => !t.cancelled).length };
}

describe('the notification dispatcher', () => {
  it('fans a transition out to the webhook and the orchestrator built from the config', async () => {
    receiver.posts.length = 0;
    const alerts: OrchestratorAlert[] = [];
    const config = notificationsSchema.parse({ webhook: { url: 'webhook-url:default', format: 'slack' } });
    const sinks = buildSinks(config, {
      secrets: secretsWith({ 'webhook-url:default': `${receiver.url}/hook` }),
      orchestrator: { alert: async (alert) => void alerts.push(alert) },
    });
    expect(sinks.map((s) => s.name)).toEqual(['webhook', 'orchestrator']);
    const reported: NewEvent[] = [];
    const dispatcher = new NotificationDispatcher({ sinks, report: (e) => reported.push(e), now: () => 0 });
    await dispatcher.handle(event('host.failed', 0, { hostId: 'bot-01', message: 'Start failed 4 times' }));
    expect(receiver.posts.map((p) => (p.body as { text: string }).text.split('\n')[0])).toEqual([
      '*Host bot-01 failed*',
    ]);
    expect(alerts).toEqual([{ title: 'Host bot-01 failed', message: 'Start failed 4 times', type: 'ERROR' }]);
    expect(reported).toEqual([]);
  });

  it('builds no desktop or orchestrator sink the process cannot serve, and the desktop one when it can', () => {
    const config = notificationsSchema.parse({});
    expect(buildSinks(config, { secrets: { get: async () => undefined } })).toEqual([]);
    const shown: string[] = [];
    const sinks = buildSinks(config, {
      secrets: { get: async () => undefined },
      desktop: { show: (n) => void shown.push(n.title) },
    });
    expect(sinks.map((s) => s.name)).toEqual(['desktop']);
  });

  it('holds back a flap and delivers its final state when the quiet interval ends', async () => {
    const { time, schedule, advance, pending } = manualTime();
    const titles: string[] = [];
    const sink: NotificationSink = { name: 'desktop', send: async (n) => void titles.push(n.title) };
    const dispatcher = new NotificationDispatcher({
      sinks: [sink],
      report: () => undefined,
      now: () => time.now,
      schedule,
      decider: { minIntervalMs: 5 * MIN },
    });
    const at = (minute: number, kind: ManagerEvent['kind']) => {
      time.now = minute * MIN;
      return dispatcher.handle(event(kind, time.now));
    };
    await at(0, 'orchestrator.unreachable');
    await at(1, 'orchestrator.restored');
    await at(2, 'orchestrator.unreachable');
    await at(3, 'orchestrator.restored');
    expect(titles).toEqual(['Orchestrator unreachable']);
    expect(pending()).toBe(1);
    advance(5 * MIN);
    await dispatcher.flush(); // the timer's flush ran without being awaited; this one finds nothing more
    await new Promise((resolve) => setImmediate(resolve));
    expect(titles).toEqual(['Orchestrator unreachable', 'Orchestrator reachable again']);
    expect(pending()).toBe(0);
    dispatcher.dispose();
  });

  it('never throws: a throwing, a rejecting and a hanging sink are reported, the good one still delivers', async () => {
    const delivered: string[] = [];
    const reported: NewEvent[] = [];
    const sinks: NotificationSink[] = [
      {
        name: 'email',
        send: () => {
          throw new Error('synchronous failure');
        },
      },
      {
        name: 'orchestrator',
        send: async () => {
          throw new Error('HTTP 503');
        },
      },
      { name: 'webhook', send: () => new Promise(() => undefined) },
      { name: 'desktop', send: async (n) => void delivered.push(n.title) },
    ];
    const dispatcher = new NotificationDispatcher({
      sinks,
      report: (e) => reported.push(e),
      sendTimeoutMs: 50,
    });
    await expect(dispatcher.handle(event('host.started', 0, { hostId: 'bot-01' }))).resolves.toBeUndefined();
    expect(delivered).toEqual(['Host bot-01 started']);
    expect(reported.map((e) => [e.kind, e.data?.sink, e.hostId])).toEqual([
      ['action.failed', 'email', 'bot-01'],
      ['action.failed', 'orchestrator', 'bot-01'],
      ['action.failed', 'webhook', 'bot-01'],
    ]);
    expect(reported[2]!.message).toContain('no answer within 0.05 s');
  });

  it('sends a test notification to the chosen sink and says when a sink is not configured', async () => {
    receiver.posts.length = 0;
    const config = notificationsSchema.parse({ webhook: { url: 'webhook-url:default', format: 'json' } });
    const dispatcher = new NotificationDispatcher({
      sinks: buildSinks(config, { secrets: secretsWith({ 'webhook-url:default': `${receiver.url}/t` }) }),
      report: () => undefined,
    });
    expect(await dispatcher.sendTest('webhook')).toEqual([{ sink: 'webhook', ok: true }]);
    expect(receiver.posts[0]!.body).toMatchObject({
      kind: 'test',
      title: 'Test notification from Session Manager',
    });
    expect(await dispatcher.sendTest('email')).toEqual([
      { sink: 'email', ok: false, error: 'not configured' },
    ]);
    expect(await dispatcher.sendTest()).toEqual([{ sink: 'webhook', ok: true }]);
  });
});
