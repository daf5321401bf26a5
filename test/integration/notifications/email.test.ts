import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewEvent } from '../../../src-main/core/events.js';
import { NotificationDispatcher } from '../../../src-main/notifications/dispatcher.js';
import type { Notification } from '../../../src-main/notifications/notification.js';
import { EmailSink, type EmailConfig } from '../../../src-main/notifications/sinks/email.js';
import { KeychainStore } from '../../../src-main/secrets/keychain-store.js';
import { makeTestCertificate, startSmtp } from './receivers.js';

const PASSWORD = 'smtp-canary-51d0e2';
const REF = 'smtp-password:default';
const secrets = new KeychainStore(`session-manager-test-email-${process.pid}`);
let cert: { key: string; cert: string };

const notification: Notification = {
  kind: 'host.failed',
  subject: 'host:bot-01',
  severity: 'error',
  title: 'Host bot-01 failed',
  message: 'Start failed 4 times: InsufficientInstanceCapacity',
  at: Date.UTC(2026, 0, 2, 3, 4, 5),
  hostId: 'bot-01',
  suppressed: 0,
};

const config = (port: number, security: EmailConfig['security']): EmailConfig => ({
  host: '127.0.0.1',
  port,
  security,
  user: 'alerts',
  password: REF,
  from: 'session-manager@example.com',
  to: ['ops@example.com', 'oncall@example.com'],
});

beforeAll(async () => {
  cert = makeTestCertificate();
  await secrets.set(REF, PASSWORD);
});

afterAll(async () => {
  await secrets.delete(REF);
});

describe('email notifications over SMTP', () => {
  it('sends over STARTTLS with the password from the keychain, verifying the server certificate', async () => {
    const smtp = await startSmtp({ user: 'alerts', password: PASSWORD, key: cert.key, cert: cert.cert });
    try {
      await new EmailSink({ config: config(smtp.port, 'starttls'), secrets, ca: cert.cert }).send(
        notification,
      );
      expect(smtp.mails).toHaveLength(1);
      const mail = smtp.mails[0]!;
      expect(mail).toMatchObject({
        from: 'session-manager@example.com',
        to: ['ops@example.com', 'oncall@example.com'],
        user: 'alerts',
        secure: true,
      });
      expect(mail.raw).toContain('Subject: [Session Manager] Host bot-01 failed');
      expect(mail.raw).toContain('Start failed 4 times: InsufficientInstanceCapacity');
      expect(mail.raw).toContain('2026-01-02T03:04:05.000Z');
    } finally {
      await smtp.close();
    }
  });

  it('refuses a server whose certificate it cannot verify', async () => {
    const smtp = await startSmtp({ user: 'alerts', password: PASSWORD, key: cert.key, cert: cert.cert });
    try {
      await expect(
        new EmailSink({ config: config(smtp.port, 'starttls'), secrets }).send(notification),
      ).rejects.toThrow(/certificate/i);
      expect(smtp.mails).toHaveLength(0);
    } finally {
      await smtp.close();
    }
  });

  it('sends over implicit TLS', async () => {
    const smtp = await startSmtp({
      user: 'alerts',
      password: PASSWORD,
      key: cert.key,
      cert: cert.cert,
      secure: true,
    });
    try {
      await new EmailSink({ config: config(smtp.port, 'tls'), secrets, ca: cert.cert }).send(notification);
      expect(smtp.mails.map((m) => m.secure)).toEqual([true]);
    } finally {
      await smtp.close();
    }
  });

  it('sends in plain text with auth when security is none', async () => {
    const smtp = await startSmtp({
      user: 'alerts',
      password: PASSWORD,
      allowInsecureAuth: true,
      hideSTARTTLS: true,
    });
    try {
      await new EmailSink({ config: config(smtp.port, 'none'), secrets }).send(notification);
      expect(smtp.mails).toEqual([expect.objectContaining({ secure: false, user: 'alerts' })]);
    } finally {
      await smtp.close();
    }
  });

  it('reports a refused login as an event that does not contain the password', async () => {
    const smtp = await startSmtp({
      user: 'alerts',
      password: 'another-password',
      key: cert.key,
      cert: cert.cert,
    });
    const reported: NewEvent[] = [];
    try {
      const dispatcher = new NotificationDispatcher({
        sinks: [new EmailSink({ config: config(smtp.port, 'starttls'), secrets, ca: cert.cert })],
        report: (event) => reported.push(event),
      });
      const results = await dispatcher.sendTest('email');
      expect(results).toEqual([
        { sink: 'email', ok: false, error: expect.stringMatching(/Invalid login|535/) },
      ]);
      expect(reported).toHaveLength(1);
      expect(reported[0]).toMatchObject({
        kind: 'action.failed',
        severity: 'warning',
        data: { sink: 'email' },
      });
      expect(JSON.stringify([reported, results])).not.toContain(PASSWORD);
      expect(smtp.mails).toHaveLength(0);
    } finally {
      await smtp.close();
    }
  });

  it('says which keychain entry is missing when the password is not there', async () => {
    await expect(
      new EmailSink({ config: { ...config(1, 'starttls'), password: 'smtp-password:absent' }, secrets }).send(
        notification,
      ),
    ).rejects.toThrow(/smtp-password:absent/);
  });
});
