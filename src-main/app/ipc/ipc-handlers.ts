import { z } from 'zod';
import {
  operationNames,
  operations,
  streams,
  type EventSubscription,
  type OperationName,
  type SessionManagerApi,
} from '../../api/contract.js';
import { asApiError } from '../../api/config-writes.js';
import { ApiError, badRequest } from '../../api/errors.js';
import type { ManagerEvent } from '../../core/events.js';
import { eventChannels, operationChannels, subscriptionIdSchema, type IpcReply } from './channels.js';
import { senderProblem, type SenderEventLike, type TrustedSender } from './sender.js';

/**
 * The IPC transport of the API: one handler per operation of the contract. Each handler checks the
 * sender frame, parses its argument with the contract's schema, calls the API and answers with an
 * IpcReply (never a throw). Written against the small part of ipcMain it uses, so it runs under Node.
 */

export interface IpcSenderLike {
  id: number;
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
}

export interface IpcEventLike extends SenderEventLike {
  sender: IpcSenderLike;
}

/** The part of Electron's ipcMain used here (ipcMain satisfies it). */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
  on(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => void): unknown;
}

interface IpcHandlerOptions {
  ipcMain: IpcMainLike;
  api: SessionManagerApi;
  /** Our window's webContents id and page URL; undefined while no window is open. */
  trustedSender: () => TrustedSender | undefined;
  /** Called after an operation succeeded (e.g. updateSettings: apply start-at-login now). */
  afterOperation?: (name: OperationName, output: unknown) => void;
  /** A refused call: logged by main, never shown to the sender beyond "forbidden". */
  onRefused?: (channel: string, reason: string) => void;
  /** Live event streams per window, so a runaway renderer cannot pile them up. */
  maxSubscriptions?: number;
}

export interface IpcHandlers {
  /** Open event streams (for tests and the window's teardown). */
  subscriptionCount(): number;
  /** Closes every stream of one sender (its webContents went away) or of all senders. */
  closeSubscriptions(senderId?: number): void;
  /** Removes every handler and closes every stream. */
  dispose(): void;
}

function failure(error: unknown): IpcReply {
  const converted = asApiError(error);
  const apiError =
    converted instanceof ApiError
      ? converted
      : converted instanceof z.ZodError
        ? badRequest(converted)
        : new ApiError('internal', converted instanceof Error ? converted.message : String(converted));
  return { ok: false, error: apiError.toBody() };
}

function parseArgs<S extends z.ZodType>(schema: S, args: unknown[]): z.output<S> {
  if (args.length > 1) throw new ApiError('bad-request', `expected one argument, got ${args.length}`);
  const result = schema.safeParse(args[0] ?? {});
  if (!result.success) throw badRequest(result.error);
  return result.data;
}

export function registerIpcHandlers(options: IpcHandlerOptions): IpcHandlers {
  const { ipcMain, api } = options;
  const maxSubscriptions = options.maxSubscriptions ?? 16;
  const subscriptions = new Map<string, { senderId: number; stream: EventSubscription }>();
  const keyOf = (senderId: number, id: string) => `${senderId}:${id}`;

  function refusal(channel: string, event: SenderEventLike): ApiError | undefined {
    const problem = senderProblem(event, options.trustedSender());
    if (problem === undefined) return undefined;
    options.onRefused?.(channel, problem);
    return new ApiError('forbidden', `IPC call refused: ${problem}`);
  }

  function closeOne(key: string) {
    const entry = subscriptions.get(key);
    if (!entry) return;
    subscriptions.delete(key);
    entry.stream.close();
  }

  for (const name of operationNames) {
    const channel = operationChannels[name];
    ipcMain.handle(channel, async (event, ...args): Promise<IpcReply> => {
      try {
        const refused = refusal(channel, event);
        if (refused) throw refused;
        const input = parseArgs(operations[name].input, args);
        const call = api[name] as (input: unknown) => Promise<unknown>;
        const output = await call(input);
        options.afterOperation?.(name, output);
        return { ok: true, value: output };
      } catch (error) {
        return failure(error);
      }
    });
  }

  ipcMain.handle(eventChannels.subscribe, async (event, ...args): Promise<IpcReply> => {
    try {
      const refused = refusal(eventChannels.subscribe, event);
      if (refused) throw refused;
      if (args.length !== 2) throw new ApiError('bad-request', `expected 2 arguments, got ${args.length}`);
      const id = parseArgs(subscriptionIdSchema, [args[0]]);
      const input = parseArgs(streams.events.input, [args[1]]);
      const sender = event.sender;
      const key = keyOf(sender.id, id);
      closeOne(key);
      const open = [...subscriptions.values()].filter((entry) => entry.senderId === sender.id).length;
      if (open >= maxSubscriptions)
        throw new ApiError('conflict', `at most ${maxSubscriptions} event streams per window`);
      const push = (channel: string, payload: unknown) => {
        // A closed window cannot be sent to: its streams end with it.
        if (sender.isDestroyed()) closeOne(key);
        else sender.send(channel, id, payload);
      };
      const stream = api.subscribeEvents(
        input,
        (item: ManagerEvent) => push(eventChannels.item, item),
        (error: Error) => push(eventChannels.error, { message: error.message }),
      );
      subscriptions.set(key, { senderId: sender.id, stream });
      return { ok: true, value: { subscribed: id } };
    } catch (error) {
      return failure(error);
    }
  });

  const onClose = (event: IpcEventLike, ...args: unknown[]) => {
    if (refusal(eventChannels.close, event)) return;
    const id = subscriptionIdSchema.safeParse(args[0]);
    if (args.length === 1 && id.success) closeOne(keyOf(event.sender.id, id.data));
  };
  ipcMain.on(eventChannels.close, onClose);

  return {
    subscriptionCount: () => subscriptions.size,
    closeSubscriptions(senderId) {
      for (const [key, entry] of [...subscriptions])
        if (senderId === undefined || entry.senderId === senderId) closeOne(key);
    },
    dispose() {
      for (const name of operationNames) ipcMain.removeHandler(operationChannels[name]);
      ipcMain.removeHandler(eventChannels.subscribe);
      ipcMain.removeListener(eventChannels.close, onClose);
      this.closeSubscriptions();
    },
  };
}
