/** Reads the time. Injected so tests run on a fake clock. */
export interface Clock {
  now(): number;
}

/** Schedules a callback. Injected so tests decide when time passes. */
export interface Timer {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export const systemClock: Clock = { now: () => Date.now() };

export const systemTimer: Timer = {
  set: (callback, ms) => setTimeout(callback, ms),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** A driver call that took longer than allowed. */
export class TimeoutError extends Error {}

/** `promise`, or a TimeoutError after `ms` on `timer`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string, timer: Timer): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const handle = timer.set(
      () => reject(new TimeoutError(`${what} took longer than ${Math.round(ms / 1000)} s`)),
      ms,
    );
    promise.then(
      (value) => {
        timer.clear(handle);
        resolve(value);
      },
      (error: unknown) => {
        timer.clear(handle);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
