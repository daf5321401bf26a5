import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../src-main/drivers/session/rdp/backoff.js';
import { checkPin } from '../../../src-main/drivers/session/rdp/certificate.js';
import { formatFingerprint } from '../../../src-main/lib/fingerprint.js';
import { Framebuffer } from '../../../src-main/drivers/session/rdp/framebuffer.js';
import {
  fromErrorInfo,
  fromLogonError,
  fromNtStatus,
  isAuthKind,
} from '../../../src-main/drivers/session/rdp/session-errors.js';
import { encodeThumbnail } from '../../../src-main/drivers/session/rdp/thumbnail.js';

describe('failure names', () => {
  it.each([
    [0xc000006d, 'logon-failure'],
    [0xc000006a, 'logon-failure'],
    [0xc0000234, 'account-locked'],
    [0xc0000072, 'account-disabled'],
    [0xc0000071, 'password-expired'],
    [0xc0000224, 'password-must-change'],
    [0xc000015b, 'logon-type-not-granted'],
    [0xc000006e, 'account-restricted'],
    [0xc0001234, 'logon-failure'],
  ])('NTSTATUS 0x%s → %s, never retried', (code, kind) => {
    const failure = fromNtStatus(code);
    expect(failure.kind).toBe(kind);
    expect(failure.message).toContain(`0x${code.toString(16).toUpperCase()}`);
    expect(isAuthKind(failure.kind)).toBe(true);
  });

  it.each([
    [5, 'taken-over'],
    [1, 'logged-off'],
    [2, 'logged-off'],
    [0xc, 'logged-off'],
    [3, 'logged-off'],
    [4, 'logged-off'],
    [0x10c9, 'protocol'],
  ])('Set Error Info %s → %s', (code, kind) => {
    expect(fromErrorInfo(code)?.kind).toBe(kind);
  });

  it('ignores "no error" and logon warnings', () => {
    expect(fromErrorInfo(0)).toBeUndefined();
    expect(fromLogonError(3, 0)).toBeUndefined();
    expect(fromLogonError(0, 0)?.kind).toBe('logon-failure');
    expect(fromLogonError(2, 0xc0000234)?.kind).toBe('account-locked');
  });
});

describe('certificate pins', () => {
  it('pins on first use, accepts the same one and refuses another', () => {
    const a = 'ab'.repeat(32);
    expect(checkPin(a, undefined)).toEqual({ kind: 'first-use', fingerprint: a });
    expect(checkPin(a, formatFingerprint(a))).toEqual({ kind: 'match' });
    expect(checkPin('cd'.repeat(32), a)).toMatchObject({ kind: 'changed', expected: a });
  });
});

describe('back-off', () => {
  it('grows, caps and spreads', () => {
    const policy = { initialMs: 1000, maxMs: 8000, factor: 2, jitter: 0.2 };
    expect([0, 1, 2, 3, 10].map((n) => backoffDelay(policy, n, () => 0.5))).toEqual([
      1000, 2000, 4000, 8000, 8000,
    ]);
    expect(backoffDelay(policy, 0, () => 0)).toBe(800);
    expect(backoffDelay(policy, 0, () => 0.999999)).toBeCloseTo(1200, -1);
  });
});

describe('framebuffer and thumbnail', () => {
  it('copies the dirty rectangle to its place and clips at the edges', () => {
    const fb = new Framebuffer(4, 3);
    const source = new Uint8ClampedArray(3 * 2 * 4).map((_, i) => i + 1); // 3x2 image
    fb.draw(source, 3, 2, 2, 0, 0, 3, 2); // at (2,2): only (2,2) and (3,2) fit
    const pixel = (x: number, y: number) => [...fb.data.subarray((y * 4 + x) * 4, (y * 4 + x) * 4 + 4)];
    expect(pixel(2, 2)).toEqual([1, 2, 3, 4]);
    expect(pixel(3, 2)).toEqual([5, 6, 7, 8]);
    expect(pixel(1, 2)).toEqual([0, 0, 0, 0]);
    expect(fb.updates).toBe(1);
    fb.draw(source, 3, 10, 10, 0, 0, 3, 2); // entirely outside
    expect(fb.updates).toBe(1);
  });

  it('scales to maxWidth keeping the aspect, opaque, and not larger than the screen', () => {
    const fb = new Framebuffer(400, 200);
    fb.data.fill(0);
    for (let i = 0; i < fb.data.length; i += 4) fb.data[i] = 200; // red, alpha 0
    const small = PNG.sync.read(Buffer.from(encodeThumbnail(fb, 100)!));
    expect([small.width, small.height]).toEqual([100, 50]);
    expect([...small.data.subarray(0, 4)]).toEqual([200, 0, 0, 255]);
    const full = PNG.sync.read(Buffer.from(encodeThumbnail(fb, 4000)!));
    expect([full.width, full.height]).toEqual([400, 200]);
    expect(encodeThumbnail(new Framebuffer(), 100)).toBeUndefined();
  });
});
