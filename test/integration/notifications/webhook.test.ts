import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotificationDispatcher } from '../../../src-main/notifications/dispatcher.js';
import type { Notification } from '../../../src-main/notifications/notification.js';
import { WebhookSink, type WebhookConfig } from '../../../src-main/notifications/sinks/webhook.js';
import { KeychainStore } from '../../../src-main/secrets/keychain-store.js';
import { SecretStoreUnavailableError } from '../../../src-main/secrets/secret-store.js';
import { startReceiver } from './receivers.js';

let receiver: Awaited<ReturnType<typeof startReceiver>>;
// The real keychain, under a service of this test's own (run with scripts/with-keychain.sh).
const secrets = new KeychainStore(`session-manager-test-webhook-${process.pid}`);
const REF = 'webhook-url:default';

/** A sink whose keychain entry holds `url`: the config names only the ref. */
async function sinkFor(url: string, format: WebhookConfig['format']): Promise<WebhookSink> {
  await secrets.set(REF, url);
  return new WebhookSink({ config: { url: REF, format }, secrets });
}

const notification: Notification = {
  kind: 'session.lost',
  subject: 'session:bot-01/bot',
  severity: 'warning',
  title: 'Session lost on bot-01 (runner r1)',
  message: 'The RDP connection dropped; reconnecting.',
  at: Date.UTC(2026, 0, 2, 3, 4, 5),
  hostId: 'bot-01',
  runnerId: 'r1',
  suppressed: 2,
};

beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(async () => {
  await secrets.delete(REF);
  await receiver.close();
});

describe('webhook notifications', () => {
  it('posts our JSON format', async () => {
    receiver.posts.length = 0;
    await (await sinkFor(`${receiver.url}/hook`, 'json')).send(notification);
    expect(receiver.posts).toEqual([
      {
        path: '/hook',
        contentType: 'application/json',
        body: {
          source: 'session-manager',
          kind: 'session.lost',
          subject: 'session:bot-01/bot',
          severity: 'warning',
          title: 'Session lost on bot-01 (runner r1)',
          message: 'The RDP connection dropped; reconnecting.',
          at: '2026-01-02T03:04:05.000Z',
          hostId: 'bot-01',
          runnerId: 'r1',
          suppressed: 2,
        },
      },
    ]);
  });

  it('posts a Slack incoming-webhook message', async () => {
    receiver.posts.length = 0;
    await (await sinkFor(`${receiver.url}/services/T0/B0/x`, 'slack')).send(notification);
    const body = receiver.posts[0]!.body as { text: string };
    expect(Object.keys(body)).toEqual(['text']);
    expect(body.text).toMatch(/^\*Session lost on bot-01 \(runner r1\)\*\nThe RDP connection dropped/);
    expect(body.text).toContain('2 earlier changes');
  });

  it('posts a Teams MessageCard', async () => {
    receiver.posts.length = 0;
    await (await sinkFor(`${receiver.url}/teams`, 'teams')).send(notification);
    expect(receiver.posts[0]!.body).toMatchObject({
      '@type': 'MessageCard',
      '@context': 'https://schema.org/extensions',
      summary: 'Session lost on bot-01 (runner r1)',
      title: 'Session lost on bot-01 (runner r1)',
      themeColor: 'F9A825',
    });
  });

  it('fails on a non-2xx answer, naming only the origin (the path may be a credential)', async () => {
    receiver.status = 500;
    try {
      const error = await (
        await sinkFor(`${receiver.url}/services/SECRET-PATH`, 'slack')
      )
        .send(notification)
        .catch((e: Error) => e);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toBe(`webhook at ${receiver.url} answered HTTP 500`);
    } finally {
      receiver.status = 200;
    }
  });

  it('fails when nothing listens, without the path in the message', async () => {
    const error = await (
      await sinkFor('http://127.0.0.1:1/services/SECRET-PATH', 'json')
    )
      .send(notification)
      .catch((e: Error) => e);
    expect((error as Error).message).toMatch(/^webhook at http:\/\/127\.0\.0\.1:1 could not be reached/);
    expect((error as Error).message).not.toContain('SECRET-PATH');
  });
  it('reads the URL from the keychain for each message, so a changed URL is used at once', async () => {
    receiver.posts.length = 0;
    const sink = await sinkFor(`${receiver.url}/first`, 'json');
    await sink.send(notification);
    await secrets.set(REF, `${receiver.url}/second`);
    await sink.send(notification);
    expect(receiver.posts.map((post) => post.path)).toEqual(['/first', '/second']);
  });

  it('reports a missing keychain entry as a failed delivery, not a crash', async () => {
    receiver.posts.length = 0;
    const missing = 'webhook-url:absent';
    const sink = new WebhookSink({ config: { url: missing, format: 'slack' }, secrets });
    const error = await sink.send(notification).catch((e: Error) => e);
    expect((error as Error).message).toBe(
      'No secret is stored in the keychain for webhook-url:absent; set it again with the CLI or the UI.',
    );
    const reported: string[] = [];
    const dispatcher = new NotificationDispatcher({ sinks: [sink], report: (e) => reported.push(e.message) });
    expect(await dispatcher.sendTest('webhook')).toEqual([
      {
        sink: 'webhook',
        ok: false,
        error:
          'No secret is stored in the keychain for webhook-url:absent; set it again with the CLI or the UI.',
      },
    ]);
    expect(reported).toHaveLength(1);
    expect(receiver.posts).toEqual([]);
  });

  it('refuses a keychain entry that is not an http(s) URL without quoting it', async () => {
    const sink = await sinkFor('not a url SECRET-VALUE', 'json');
    const error = await sink.send(notification).catch((e: Error) => e);
    expect((error as Error).message).toBe(
      'The keychain entry webhook-url:default does not hold an http(s) URL; set the webhook URL again.',
    );
  });

  it('reports an unavailable keychain as a failed delivery', async () => {
    const broken = {
      get: async (): Promise<string | undefined> => {
        throw new SecretStoreUnavailableError(new Error('no D-Bus session'));
      },
    };
    const dispatcher = new NotificationDispatcher({
      sinks: [new WebhookSink({ config: { url: REF, format: 'json' }, secrets: broken })],
      report: () => undefined,
    });
    const [result] = await dispatcher.sendTest('webhook');
    expect(result).toMatchObject({ sink: 'webhook', ok: false });
    expect(result!.error).toMatch(/^The OS keychain is not available \(no D-Bus session\)/);
  });
});
