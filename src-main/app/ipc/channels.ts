import { z } from 'zod';
import { operationNames, type OperationName } from '../../api/contract.js';
import { apiErrorBodySchema } from '../../api/errors.js';

/**
 * The IPC channel contract, declared once for main and preload. Every channel is derived from the API
 * contract's operation names, so a new operation gets its channel without touching this file. Pure
 * code: the sandboxed preload bundles it.
 */

/** `window.sessionManager` in the renderer (the UI reads this key). */
export const bridgeKey = 'sessionManager';

const prefix = 'session-manager';

function operationChannel(name: OperationName): string {
  return `${prefix}:op:${name}`;
}

/** All request/reply channels, one per operation, in contract order. */
export const operationChannels: Readonly<Record<OperationName, string>> = Object.fromEntries(
  operationNames.map((name) => [name, operationChannel(name)]),
) as Record<OperationName, string>;

/** The event stream: subscribe (invoke), pushed items (main → renderer), close (one-way). */
export const eventChannels = {
  subscribe: `${prefix}:events:subscribe`,
  item: `${prefix}:events:item`,
  error: `${prefix}:events:error`,
  close: `${prefix}:events:close`,
} as const;

/** Every channel main listens on; anything else is never handled. */
export const allowedChannels: readonly string[] = [
  ...Object.values(operationChannels),
  eventChannels.subscribe,
  eventChannels.close,
];

/** The renderer picks the id, so the items of one stream can be told apart before the reply arrives. */
export const subscriptionIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a subscription id');

/**
 * Every reply over IPC. Electron keeps only the message of an Error thrown in a handler, so main never
 * throws: it answers with the contract's error shape and the preload turns it back into an ApiError.
 */
export const ipcReplySchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: apiErrorBodySchema }),
]);
export type IpcReply = z.infer<typeof ipcReplySchema>;
