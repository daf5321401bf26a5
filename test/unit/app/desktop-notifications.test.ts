import { describe, expect, it } from 'vitest';
import { eventKinds } from '../../../src-main/api/state-schema.js';
import {
  desktopNotice,
  settingsGatedNotifier,
  type DesktopNotice,
} from '../../../src-main/app/notifications/desktop-notifier.js';
import type { EventKind, ManagerEvent, NewEvent } from '../../../src-main/core/events.js';
import { NotificationDispatcher } from '../../../src-main/notifications/dispatcher.js';
import { DesktopSink } from '../../../src-main/notifications/sinks/desktop.js';

/**
 * What the desktop shows for each event kind, through the service's own path: the dispatcher (its
 * decider picks transitions), the DesktopSink, then the app's notifier. Good news (stopped, restored)
 * follows a notified opposite, so those kinds are sent after their opposite.
 */

const hour = 60 * 60_000;
let nextId = 1;
function event(kind: EventKind, at: number, message = `${kind} happened`): ManagerEvent {
  return { id: nextId++, at, kind, severity: 'info', message, hostId: 'bot-01', runnerId: 'fin-01' };
}

const prior: Partial<Record<EventKind, EventKind>> = {
  'host.stopped': 'host.started',
  'session.restored': 'session.lost',
  'orchestrator.restored': 'orchestrator.unreachable',
  'coordination.restored': 'coordination.unreachable',
  'host.cloud-error-cleared': 'host.cloud-error',
};

const expected: Partial<Record<EventKind, Omit<DesktopNotice, 'body'>>> = {
  'host.started': { title: 'Host bot-01 started', urgency: 'low' },
  'host.stopped': { title: 'Host bot-01 stopped', urgency: 'low' },
  'host.failed': { title: 'Host bot-01 failed', urgency: 'critical' },
  'host.cloud-error': { title: 'Cannot read the power state of bot-01', urgency: 'critical' },
  'host.cloud-error-cleared': { title: 'Power state of bot-01 readable again', urgency: 'low' },
  'session.lost': { title: 'Session lost on bot-01 (runner fin-01)', urgency: 'normal' },
  'session.restored': { title: 'Session restored on bot-01 (runner fin-01)', urgency: 'low' },
  'orchestrator.unreachable': { title: 'Orchestrator unreachable', urgency: 'normal' },
  'orchestrator.restored': { title: 'Orchestrator reachable again', urgency: 'low' },
  'coordination.unreachable': {
    title: 'Shared database unreachable: this instance acts on no host',
    urgency: 'normal',
  },
  'coordination.restored': { title: 'Shared database reachable again', urgency: 'low' },
  'budget.reached': { title: 'Budget cap reached: no more hosts can be started', urgency: 'normal' },
  'budget.month-warning': { title: '80 % of the monthly budget spent', urgency: 'normal' },
  'budget.month-spent': { title: 'Monthly budget spent', urgency: 'critical' },
};

function desktop(enabled: () => boolean) {
  let now = 0;
  const shown: DesktopNotice[] = [];
  const reports: NewEvent[] = [];
  const dispatcher = new NotificationDispatcher({
    sinks: [new DesktopSink(settingsGatedNotifier((notice) => shown.push(notice), enabled))],
    report: (failure) => reports.push(failure),
    now: () => now,
    schedule: () => () => undefined,
  });
  return {
    shown,
    reports,
    dispatcher,
    send: (kind: EventKind, message?: string) => dispatcher.handle(event(kind, now, message)),
    advance: (ms: number) => (now += ms),
  };
}

async function shownFor(kind: EventKind, enabled = true): Promise<DesktopNotice[]> {
  const d = desktop(() => enabled);
  const before = prior[kind];
  if (before) {
    await d.send(before);
    d.shown.length = 0;
    d.advance(hour);
  }
  await d.send(kind, 'what happened, in words');
  expect(d.reports).toEqual([]);
  return d.shown;
}

describe('desktop notification for each event kind', () => {
  it.each(eventKinds.map((kind) => [kind]))('%s', async (kind) => {
    const shown = await shownFor(kind);
    const want = expected[kind];
    expect(shown).toEqual(want ? [{ ...want, body: 'what happened, in words' }] : []);
  });

  it('the scale events are among those shown', () => {
    for (const kind of ['host.started', 'host.stopped', 'host.failed', 'session.lost'] as const)
      expect(expected[kind], kind).toBeDefined();
  });

  it('shows nothing while desktop notifications are turned off, and again once they are on', async () => {
    for (const kind of eventKinds) expect(await shownFor(kind, false), kind).toEqual([]);
    let enabled = false;
    const d = desktop(() => enabled);
    await d.send('host.failed');
    enabled = true;
    d.advance(hour);
    await d.send('host.started');
    expect(d.shown.map((notice) => notice.title)).toEqual(['Host bot-01 started']);
  });

  it('a repeat is not a transition: host.started three times shows once', async () => {
    const d = desktop(() => true);
    for (let i = 0; i < 3; i++) {
      await d.send('host.started');
      d.advance(hour);
    }
    expect(d.shown).toHaveLength(1);
  });

  it('a test notification from the UI reaches the desktop', async () => {
    const d = desktop(() => true);
    expect(await d.dispatcher.sendTest('desktop')).toEqual([{ sink: 'desktop', ok: true }]);
    expect(d.shown[0]?.title).toBe('Test notification from Session Manager');
  });

  it('maps severity to urgency', () => {
    expect(desktopNotice({ title: 't', body: 'b', severity: 'error' }).urgency).toBe('critical');
    expect(desktopNotice({ title: 't', body: 'b', severity: 'warning' }).urgency).toBe('normal');
    expect(desktopNotice({ title: 't', body: 'b', severity: 'info' }).urgency).toBe('low');
  });
});
