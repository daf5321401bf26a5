import { operationNames, type SessionManagerApi } from '../api/contract.js';
import { ApiError } from '../api/errors.js';

/**
 * The API while the service could not start (a broken config file, no keychain): the window still
 * opens and every call answers "unavailable" with the reason, instead of hanging.
 */
export function unavailableApi(problem: string): SessionManagerApi {
  const fail = () =>
    Promise.reject(new ApiError('unavailable', `Session Manager is not running: ${problem}`));
  const methods = Object.fromEntries(operationNames.map((name) => [name, fail])) as unknown as Omit<
    SessionManagerApi,
    'subscribeEvents'
  >;
  return {
    ...methods,
    subscribeEvents(_input, _onEvent, onError) {
      queueMicrotask(() => onError?.(new Error(`Session Manager is not running: ${problem}`)));
      return { close() {} };
    },
  };
}
