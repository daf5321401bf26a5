import { operationNames, type SessionManagerApi } from '../../src-main/api/contract.js';
import { ApiError, apiErrorBodySchema } from '../../src-main/api/errors.js';

/**
 * The renderer's side of the bridge: the preload rejects with the contract's error shape as a plain object
 * (contextBridge would strip an ApiError down to its message); this restores ApiError, so the UI sees
 * the same errors over IPC as over HTTP.
 */

function bridgeErrorToApiError(reason: unknown): unknown {
  if (reason instanceof ApiError) return reason;
  const body = apiErrorBodySchema.safeParse(reason);
  return body.success ? ApiError.fromBody(body.data) : reason;
}

export function fromBridge(bridge: SessionManagerApi): SessionManagerApi {
  const methods = Object.fromEntries(
    operationNames.map((name) => [
      name,
      (input?: unknown) =>
        (bridge[name] as (input?: unknown) => Promise<unknown>)(input).catch((reason: unknown) => {
          throw bridgeErrorToApiError(reason);
        }),
    ]),
  ) as unknown as Omit<SessionManagerApi, 'subscribeEvents'>;
  return {
    ...methods,
    subscribeEvents: (input, onEvent, onError) => bridge.subscribeEvents(input, onEvent, onError),
  };
}
