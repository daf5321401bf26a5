import type { ManagerState } from './state.js';

type StateListener = (state: ManagerState) => void;

/** The current ManagerState as one object; the API, IPC and tray read it and subscribe to changes. */
export class StateStore {
  private current: ManagerState;
  private readonly listeners = new Set<StateListener>();

  constructor(initial: ManagerState) {
    this.current = initial;
  }

  get(): ManagerState {
    return this.current;
  }

  set(state: ManagerState): void {
    this.current = state;
    for (const listener of this.listeners) {
      try {
        listener(state);
      } catch {
        // One broken subscriber must not break the loop.
      }
    }
  }

  /** Calls `listener` on every change; returns the unsubscribe function. */
  subscribe(listener: StateListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
