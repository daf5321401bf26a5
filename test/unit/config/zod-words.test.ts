import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { hostSchema, policySchema } from '../../../src-main/config/schema.js';

/** Every schema speaks the product's words, not zod's ("Too small: expected number to be >=1"). */
const messages = (result: {
  success: boolean;
  error?: { issues: { path: PropertyKey[]; message: string }[] };
}) => Object.fromEntries((result.error?.issues ?? []).map((issue) => [issue.path.join('.'), issue.message]));

describe('validation messages', () => {
  it('says what a number, a list, a choice or a field needs', () => {
    expect(
      messages(
        policySchema.safeParse({
          idleGraceMinutes: -1,
          bootTimeoutMinutes: 500,
          maxHostsOn: 2.5,
          prewarm: 'maybe',
          keepWarm: [{ days: [], from: '08:00', to: '09:00' }],
        }),
      ),
    ).toEqual({
      idleGraceMinutes: 'must be at least 0',
      bootTimeoutMinutes: 'must be at most 120',
      maxHostsOn: 'must be a whole number',
      prewarm: 'must be true or false',
      'keepWarm.0.days': 'needs at least one entry',
    });
    expect(
      messages(hostSchema.safeParse({ id: 'h', address: '10.0.0.1', protocol: 'vnc', maxSessions: 0 })),
    ).toMatchObject({
      protocol: 'must be one of "rdp", "aws-ec2", "azure-vm"',
      maxSessions: 'must be at least 1',
      user: 'is required',
    });
    // The API's inputs are strict objects: an unknown field is named.
    expect(messages(z.strictObject({ id: z.string() }).safeParse({ id: 'a', colour: 'red' }))).toEqual({
      '': 'unknown field: colour',
    });
  });

  it("keeps a schema's own message", () => {
    expect(
      messages(
        hostSchema.safeParse({
          id: 'h',
          address: '10.0.0.1',
          protocol: 'rdp',
          user: 'bot',
          certificate: 'xyz',
        }),
      ).certificate,
    ).not.toMatch(/^must/);
  });
});
