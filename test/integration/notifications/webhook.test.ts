import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Notification } from '../../../src-main/notifications/notification.js';
import { WebhookSink } from '../../../src-main/notifications/sinks/webhook.js';
import { startReceiver } from './receivers.js';

let receiver: Awaited<ReturnType<typeof startReceiver>>;

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
  await receiver.close();
});

describe('webhook notifications', () => {
  it('posts our JSON format', async () => {
    receiver.posts.length = 0;
    await new WebhookSink({ config: { url: `${receiver.url}/hook`, format: 'json' } }).send(notification);
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
    await new WebhookSink({ config: { url: `${receiver.url}/services/T0/B0/x`, format: 'slack' } }).send(
      notification,
    );
    const body = receiver.posts[0]!.body as { text: string };
    expect(Object.keys(body)).toEqual(['text']);
    expect(body.text).toMatch(/^\*Session lost on bot-01 \(runner r1\)\*\nThe RDP connection dropped/);
    expect(body.text).toContain('2 earlier changes');
  });

  it('posts a Teams MessageCard', async () => {
    receiver.posts.length = 0;
    await new WebhookSink({ config: { url: `${receiver.url}/teams`, format: 'teams' } }).send(notification);
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
      const error = await new WebhookSink({
        config: { url: `${receiver.url}/services/SECRET-PATH`, format: 'slack' },
      })
        .send(notification)
        .catch((e: Error) => e);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toBe(`webhook at ${receiver.url} answered HTTP 500`);
    } finally {
      receiver.status = 200;
    }
  });

  it('fails when nothing listens, without the path in the message', async () => {
    const error = await new WebhookSink({
      config: { url: 'http://127.0.0.1:1/services/SECRET-PATH', format: 'json' },
    })
      .send(notification)
      .catch((e: Error) => e);
    expect((error as Error).message).toMatch(/^webhook at http:\/\/127\.0\.0\.1:1 could not be reached/);
    expect((error as Error).message).not.toContain('SECRET-PATH');
  });
});
