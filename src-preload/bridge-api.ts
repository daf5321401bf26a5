import {
  operationNames,
  operations,
  streams,
  type EventSubscription,
  type OperationName,
  type SessionManagerApi,
} from '../src-main/api/contract.js';
import { apiErrorCodes, type ApiErrorBody, type ApiErrorCode } from '../src-main/api/errors.js';
import type { ManagerEvent } from '../src-main/core/events.js';
import {
  eventChannels,
  ipcReplySchema,
  operationChannels,
  subscriptionIdSchema,
} from '../src-main/app/ipc/channels.js';

/**
 * The SessionManagerApi over IPC, as the preload exposes it: one method per channel of the contract.
 * No electron import here (the preload entry passes ipcRenderer in), so it runs under Node in tests.
 *
 * Failures reject with the contract's error shape as a plain object ({ name: 'ApiError', error,
 * message, issues }), because contextBridge keeps only the message of an Error; `fromBridge` in the
 * renderer turns it back into an ApiError.
 */

/** The part of Electron's ipcRenderer used here (ipcRenderer satisfies it). */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  send(channel: string, ...args: unknown[]): void;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

/**
 * A failure as it crosses contextBridge: the contract's error body, plus `code` and `status` as on
 * ApiError, so the UI can read it the same way with or without `fromBridge`.
 */
type BridgeRejection = ApiErrorBody & { name: 'ApiError'; code: ApiErrorCode; status: number };

function rejection(body: ApiErrorBody): BridgeRejection {
  return { name: 'ApiError', ...body, code: body.error, status: apiErrorCodes[body.error] };
}

function malformed(what: string, detail: string): BridgeRejection {
  return rejection({ error: 'internal', message: `malformed ${what} from the app: ${detail}` });
}

interface StreamHandlers {
  onEvent: (event: ManagerEvent) => void;
  onError?: (error: Error) => void;
}

export function createBridgeApi(ipc: IpcRendererLike, newId: () => string = () => crypto.randomUUID()) {
  const streamsById = new Map<string, StreamHandlers>();

  // One listener per push channel; items for a stream this page does not know (left over from before
  // a reload) close that stream in main.
  ipc.on(eventChannels.item, (_event, id, item) => {
    const handlers = typeof id === 'string' ? streamsById.get(id) : undefined;
    if (!handlers) {
      if (subscriptionIdSchema.safeParse(id).success) ipc.send(eventChannels.close, id);
      return;
    }
    const parsed = streams.events.item.safeParse(item);
    if (parsed.success) handlers.onEvent(parsed.data);
    else handlers.onError?.(new Error('malformed event from the app'));
  });
  ipc.on(eventChannels.error, (_event, id, payload) => {
    const handlers = typeof id === 'string' ? streamsById.get(id) : undefined;
    const message = (payload as { message?: unknown } | undefined)?.message;
    handlers?.onError?.(new Error(typeof message === 'string' ? message : 'event stream failed'));
  });

  async function call(name: OperationName, input: unknown): Promise<unknown> {
    const raw = await ipc.invoke(operationChannels[name], ...(input === undefined ? [] : [input]));
    const reply = ipcReplySchema.safeParse(raw);
    if (!reply.success) throw malformed('reply', reply.error.message);
    if (!reply.data.ok) throw rejection(reply.data.error);
    const output = operations[name].output.safeParse(reply.data.value);
    if (!output.success) throw malformed(`${name} result`, output.error.message);
    return output.data;
  }

  const methods = Object.fromEntries(
    operationNames.map((name) => [name, (input?: unknown) => call(name, input)]),
  ) as unknown as Omit<SessionManagerApi, 'subscribeEvents'>;

  const api: SessionManagerApi = {
    ...methods,
    subscribeEvents(input, onEvent, onError): EventSubscription {
      const id = newId();
      const handlers: StreamHandlers = { onEvent, ...(onError ? { onError } : {}) };
      streamsById.set(id, handlers);
      let closed = false;
      const fail = (message: string) => {
        if (closed) return;
        streamsById.delete(id);
        closed = true;
        onError?.(new Error(message));
      };
      ipc.invoke(eventChannels.subscribe, id, input ?? {}).then(
        (raw) => {
          const reply = ipcReplySchema.safeParse(raw);
          if (!reply.success) fail('malformed reply from the app');
          else if (!reply.data.ok) fail(reply.data.error.message);
        },
        (error: unknown) => fail(error instanceof Error ? error.message : String(error)),
      );
      return {
        close() {
          if (closed) return;
          closed = true;
          streamsById.delete(id);
          ipc.send(eventChannels.close, id);
        },
      };
    },
  };
  return api;
}
