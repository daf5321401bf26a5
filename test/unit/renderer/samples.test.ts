import { describe, expect, it } from 'vitest';
import type { ManagerState } from '../../../src-main/core/state.js';
import {
  addSample,
  dayMs,
  loadSamples,
  sampleOf,
  saveSamples,
  vmHours,
  type Sample,
} from '../../../src-renderer/store/samples.js';

const hour = 3_600_000;
const sample = (at: number, cloudOn: number, rest: Partial<Sample> = {}): Sample => ({
  at,
  queueDepth: 0,
  hostsOn: cloudOn,
  sessions: 0,
  cloudOn,
  cloudFleet: 2,
  ...rest,
});

class MemoryStorage {
  private readonly items = new Map<string, string>();
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
}

describe('timeline samples', () => {
  it('samples what is paid for: cloud hosts on or on their way, not always-on RDP hosts', () => {
    const state = {
      at: 5,
      queueDepth: 3,
      hostsOn: 2,
      hosts: [
        { protocol: 'aws-ec2', power: 'starting' },
        { protocol: 'azure-vm', power: 'off' },
        { protocol: 'rdp', power: 'on' },
      ],
      sessions: [{ state: 'open' }, { state: 'reconnecting' }],
    } as unknown as ManagerState;
    expect(sampleOf(state)).toEqual({
      at: 5,
      queueDepth: 3,
      hostsOn: 2,
      sessions: 1,
      cloudOn: 1,
      cloudFleet: 2,
    });
  });

  it('keeps changes at once, thins quiet repeats, drops what is older than a day and out of order', () => {
    let ring: Sample[] = [];
    ring = addSample(ring, sample(0, 0));
    ring = addSample(ring, sample(1000, 0));
    expect(ring).toHaveLength(1);
    ring = addSample(ring, sample(2000, 1));
    expect(ring).toHaveLength(2);
    expect(addSample(ring, sample(1500, 2))).toBe(ring);
    ring = addSample(ring, sample(dayMs + 1500, 1));
    expect(ring.map((s) => s.at)).toEqual([2000, dayMs + 1500]);
  });

  it('counts VM-hours by holding each sample until the next, against the whole fleet always on', () => {
    const ring = [sample(0, 1), sample(2 * hour, 0), sample(3 * hour, 2)];
    expect(vmHours(ring, 4 * hour)).toEqual({ used: 1 * 2 + 0 + 2 * 1, alwaysOn: 2 * 4, observedHours: 4 });
    expect(vmHours([], 10)).toEqual({ used: 0, alwaysOn: 0, observedHours: 0 });
  });

  it('survives a reload through storage and ignores anything malformed there', () => {
    const storage = new MemoryStorage() as unknown as Storage;
    saveSamples(storage, [sample(1, 1)]);
    expect(loadSamples(storage)).toEqual([sample(1, 1)]);
    storage.setItem('session-manager.samples', '[{"at":"x"}, 3]');
    expect(loadSamples(storage)).toEqual([]);
    storage.setItem('session-manager.samples', '{not json');
    expect(loadSamples(storage)).toEqual([]);
  });
});
