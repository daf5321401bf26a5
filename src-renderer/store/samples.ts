import type { ManagerState } from '../../src-main/core/state.js';

/**
 * The timeline's data: a client-side ring of samples taken from each state the UI receives (the API
 * has no history operation). It covers the last 24 h while a console has been open, and survives
 * reloads through localStorage.
 */

export interface Sample {
  at: number;
  queueDepth: number;
  hostsOn: number;
  sessions: number;
  /** Cloud hosts (EC2, Azure) that are on or on their way: what is being paid for. */
  cloudOn: number;
  /** All cloud hosts: what an always-on fleet would pay for. */
  cloudFleet: number;
}

export const dayMs = 24 * 60 * 60 * 1000;
/** Unchanged values are sampled at most this often; any change is kept at once. */
const quietGapMs = 30_000;
const maxSamples = 2 * (dayMs / quietGapMs);

const billedPower = new Set(['on', 'starting', 'stopping']);

export function sampleOf(state: ManagerState): Sample {
  const cloud = state.hosts.filter((host) => host.protocol !== 'rdp');
  return {
    at: state.at,
    queueDepth: state.queueDepth,
    hostsOn: state.hostsOn,
    sessions: state.sessions.filter((session) => session.state === 'open').length,
    cloudOn: cloud.filter((host) => billedPower.has(host.power)).length,
    cloudFleet: cloud.length,
  };
}

function sameValues(a: Sample, b: Sample): boolean {
  return (
    a.queueDepth === b.queueDepth &&
    a.hostsOn === b.hostsOn &&
    a.sessions === b.sessions &&
    a.cloudOn === b.cloudOn &&
    a.cloudFleet === b.cloudFleet
  );
}

/** A new ring with `sample` added: older than 24 h dropped, out-of-order ignored, quiet repeats thinned. */
export function addSample(ring: readonly Sample[], sample: Sample): Sample[] {
  const last = ring.at(-1);
  if (last && sample.at < last.at) return ring as Sample[];
  if (last && sameValues(last, sample) && sample.at - last.at < quietGapMs) return ring as Sample[];
  const kept = ring.filter((s) => s.at >= sample.at - dayMs);
  kept.push(sample);
  return kept.length > maxSamples ? kept.slice(-maxSamples) : kept;
}

interface VmHours {
  /** Cloud host-hours spent in the window. */
  used: number;
  /** What the same fleet always on would have spent over the same observed time. */
  alwaysOn: number;
  /** How much of the window the samples cover, hours. */
  observedHours: number;
}

/** Step integration: each sample's values hold until the next one (the last until `until`). */
export function vmHours(ring: readonly Sample[], until: number): VmHours {
  let usedMs = 0;
  let fleetMs = 0;
  let observedMs = 0;
  ring.forEach((sample, index) => {
    const end = Math.max(sample.at, Math.min(ring[index + 1]?.at ?? until, until));
    const span = end - sample.at;
    usedMs += sample.cloudOn * span;
    fleetMs += sample.cloudFleet * span;
    observedMs += span;
  });
  const hour = 3_600_000;
  return { used: usedMs / hour, alwaysOn: fleetMs / hour, observedHours: observedMs / hour };
}

const storageKey = 'session-manager.samples';

export function loadSamples(storage: Storage | undefined): Sample[] {
  try {
    const parsed: unknown = JSON.parse(storage?.getItem(storageKey) ?? '[]');
    if (!Array.isArray(parsed)) return [];
    return parsed.filter(
      (s): s is Sample =>
        typeof s === 'object' &&
        s !== null &&
        ['at', 'queueDepth', 'hostsOn', 'sessions', 'cloudOn', 'cloudFleet'].every(
          (key) => typeof (s as Record<string, unknown>)[key] === 'number',
        ),
    );
  } catch {
    return [];
  }
}

export function saveSamples(storage: Storage | undefined, ring: readonly Sample[]): void {
  try {
    storage?.setItem(storageKey, JSON.stringify(ring));
  } catch {
    // Storage full or disabled: the timeline still works for this page's life.
  }
}
