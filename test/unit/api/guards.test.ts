import { describe, expect, it } from 'vitest';
import { allowedHostNames, hostAllowed, parseHostHeader } from '../../../src-main/api/host-check.js';
import { bearerToken, tokensMatch } from '../../../src-main/api/token.js';

describe('the Host header check', () => {
  const names = allowedHostNames('127.0.0.1');

  it.each([
    ['127.0.0.1:7870', true],
    ['localhost:7870', true],
    ['LocalHost:7870', true],
    ['[::1]:7870', true],
    ['127.0.0.1:7871', false],
    ['127.0.0.1', false],
    ['evil.example:7870', false],
    ['127.0.0.1.evil.example:7870', false],
    ['localhost.:7870', false],
    ['0.0.0.0:7870', false],
    ['', false],
    ['127.0.0.1:7870:1', false],
  ])('%s → %s', (header, allowed) => {
    expect(hostAllowed(header, names, 7870)).toBe(allowed);
  });

  it('accepts port 80 only without a port in the header', () => {
    expect(hostAllowed('localhost', names, 80)).toBe(true);
    expect(parseHostHeader('localhost')).toEqual({ name: 'localhost', port: 80 });
  });

  it('adds a specific bind address and named hosts, but not a wildcard bind', () => {
    expect(allowedHostNames('192.168.1.5').has('192.168.1.5')).toBe(true);
    expect(allowedHostNames('0.0.0.0').has('0.0.0.0')).toBe(false);
    expect(allowedHostNames('::1').has('[::1]')).toBe(true);
    expect(allowedHostNames('0.0.0.0', ['Ops-Box.corp']).has('ops-box.corp')).toBe(true);
  });
});

describe('the bearer token', () => {
  it('reads only the Bearer scheme', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer   abc ')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken('Bearer a b')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });

  it('compares whole tokens of any length', () => {
    expect(tokensMatch('secret', 'secret')).toBe(true);
    expect(tokensMatch('secre', 'secret')).toBe(false);
    expect(tokensMatch('secret2', 'secret')).toBe(false);
    expect(tokensMatch('', 'secret')).toBe(false);
    expect(tokensMatch(undefined, 'secret')).toBe(false);
  });
});
