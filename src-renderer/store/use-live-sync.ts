import { useEffect } from 'react';
import type { SessionManagerApi } from '../../src-main/api/contract.js';
import { errorText, isUnauthorized } from '../lib/errors.js';
import { useLive } from './live-store.js';

const pollMs = 2000;
/** After an event, the state is read again soon, so stages move without waiting for the next poll. */
const afterEventMs = 150;

/** Keeps the live store in step with the service: polls the state and follows the event stream. */
export function useLiveSync(api: SessionManagerApi): void {
  useEffect(() => {
    let stopped = false;
    let inFlight = false;
    let pollTimer: ReturnType<typeof setTimeout> | undefined;
    let soonTimer: ReturnType<typeof setTimeout> | undefined;
    let subscription: { close(): void } | undefined;
    const { receiveState, receiveEvents, setConnection } = useLive.getState();

    const fail = (error: unknown) => {
      if (stopped) return;
      setConnection(isUnauthorized(error) ? 'unauthorized' : 'lost', errorText(error));
    };

    const refresh = async () => {
      if (inFlight || stopped) return;
      inFlight = true;
      try {
        const state = await api.getState();
        if (!stopped) receiveState(state, Date.now());
      } catch (error) {
        fail(error);
      } finally {
        inFlight = false;
      }
    };

    const poll = async () => {
      await refresh();
      if (!stopped) pollTimer = setTimeout(poll, pollMs);
    };

    const follow = async () => {
      try {
        const history = await api.listEvents({ limit: 1000 });
        if (stopped) return;
        receiveEvents(history);
        subscription = api.subscribeEvents(
          { afterId: history.at(-1)?.id ?? 0 },
          (event) => {
            receiveEvents([event]);
            clearTimeout(soonTimer);
            soonTimer = setTimeout(refresh, afterEventMs);
          },
          fail,
        );
      } catch (error) {
        fail(error);
      }
    };

    void poll();
    void follow();
    return () => {
      stopped = true;
      clearTimeout(pollTimer);
      clearTimeout(soonTimer);
      subscription?.close();
    };
  }, [api]);
}
