import { describe, expect, it } from 'vitest';
import { mergePatch } from '../../../src-main/api/config-writes.js';
import { patchBetween } from '../../../src-main/cli/config-writes.js';

describe('patchBetween', () => {
  const base = {
    id: 'h',
    user: 'bot',
    password: 'host-password:h',
    maxSessions: 1,
    aws: { instanceId: 'i-1', credentials: 'keychain', secretAccessKey: 'aws-secret:h' },
    tags: ['a', 'b'],
  };

  it('holds only what changed, null for what is gone, nested objects as patches', () => {
    const draft = {
      id: 'h',
      user: 'bot',
      password: 'new plain password',
      maxSessions: 2,
      aws: { instanceId: 'i-1', credentials: 'default' },
      tags: ['a', 'b'],
    };
    expect(patchBetween(base, draft)).toEqual({
      password: 'new plain password',
      maxSessions: 2,
      aws: { credentials: 'default', secretAccessKey: null },
    });
  });

  it('applied with ConfigWriter’s merge, gives the draft back; an unchanged draft gives an empty patch', () => {
    const draft = { id: 'h', user: 'other', azure: { vmName: 'vm' }, tags: ['c'] };
    expect(mergePatch(base, patchBetween(base, draft))).toEqual(draft);
    expect(patchBetween(base, structuredClone(base))).toEqual({});
  });
});
