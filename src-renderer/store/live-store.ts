import { create } from 'zustand';
import type { ManagerEvent } from '../../src-main/core/events.js';
import type { ManagerState } from '../../src-main/core/state.js';

/** What the UI knows of the running service: the latest state and the event log (history is the server's: the Cost page). */

const maxEvents = 2000;

type Connection = 'connecting' | 'live' | 'lost' | 'unauthorized';

interface LiveStore {
  state?: ManagerState;
  /** serverNow − Date.now() when the state arrived: the UI counts time on the service's clock. */
  clockOffset: number;
  connection: Connection;
  problem?: string;
  events: ManagerEvent[];
  receiveState(state: ManagerState, receivedAt: number): void;
  receiveEvents(events: readonly ManagerEvent[]): void;
  setConnection(connection: Connection, problem?: string): void;
}

export const useLive = create<LiveStore>()((set) => ({
  clockOffset: 0,
  connection: 'connecting',
  events: [],
  receiveState: (state, receivedAt) =>
    set({ state, clockOffset: state.at - receivedAt, connection: 'live', problem: undefined }),
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
