import { create } from 'zustand';
import type { ManagerEvent } from '../../src-main/core/events.js';
import type { ManagerState } from '../../src-main/core/state.js';
import { addSample, loadSamples, sampleOf, saveSamples, type Sample } from './samples.js';

/** What the UI knows of the running service: the latest state, the event log and the timeline's samples. */

const maxEvents = 2000;

type Connection = 'connecting' | 'live' | 'lost' | 'unauthorized';

interface LiveStore {
  state?: ManagerState;
  /** serverNow − Date.now() when the state arrived: the UI counts time on the service's clock. */
  clockOffset: number;
  connection: Connection;
  problem?: string;
  events: ManagerEvent[];
  samples: Sample[];
  receiveState(state: ManagerState, receivedAt: number): void;
  receiveEvents(events: readonly ManagerEvent[]): void;
  setConnection(connection: Connection, problem?: string): void;
}

function browserStorage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
}

export const useLive = create<LiveStore>()((set) => ({
  clockOffset: 0,
  connection: 'connecting',
  events: [],
  samples: loadSamples(browserStorage()),
  receiveState: (state, receivedAt) =>
    set((store) => {
      const samples = addSample(store.samples, sampleOf(state));
      if (samples !== store.samples) saveSamples(browserStorage(), samples);
      return { state, clockOffset: state.at - receivedAt, samples, connection: 'live', problem: undefined };
    }),
  receiveEvents: (incoming) =>
    set((store) => {
      const lastId = store.events.at(-1)?.id ?? -1;
      const fresh = incoming.filter((event) => event.id > lastId);
      if (!fresh.length) return {};
      const events = store.events.concat(fresh);
      return { events: events.length > maxEvents ? events.slice(-maxEvents) : events };
    }),
  setConnection: (connection, problem) => set({ connection, problem }),
}));
