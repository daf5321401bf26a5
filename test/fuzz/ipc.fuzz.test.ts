import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operationNames, operations, streams } from '../../src-main/api/contract.js';
import { createSessionManagerApi } from '../../src-main/api/handlers.js';
import { eventChannels, ipcReplySchema, operationChannels } from '../../src-main/app/ipc/channels.js';
import {
  registerIpcHandlers,
  type IpcEventLike,
  type IpcHandlers,
  type IpcMainLike,
} from '../../src-main/app/ipc/ipc-handlers.js';
import { edgyValue } from './mutations.js';
import { startFuzzService, type FuzzService } from './in-process-service.js';

/**
 * Every IPC channel of the desktop app (one per API operation, plus the event stream), fed random
 * arguments as a renderer could send them, in front of the real service wiring: the reply is always a
 * well-formed IpcReply, a refusal is a 4xx-class error with a reason (never "internal"), a refused
 * call leaves the config file as it was, and every operation's input schema takes any value without
 * throwing.
 */

const pageUrl = 'file:///opt/session-manager/dist-renderer/index.html';
type Listener = (event: IpcEventLike, ...args: unknown[]) => unknown;

/** ipcMain as the handlers see it; values are structured-cloned as Electron's IPC does. */
class MemoryIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, Listener>();
  readonly listeners = new Map<string, Listener>();
  handle(channel: string, listener: Listener) {
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string) {
    this.handlers.delete(channel);
  }
  on(channel: string, listener: Listener) {
    this.listeners.set(channel, listener);
  }
  removeListener(channel: string) {
    this.listeners.delete(channel);
  }
  event(webContentsId = 1, url = pageUrl): IpcEventLike {
    return {
      sender: { id: webContentsId, send: () => {}, isDestroyed: () => false },
      senderFrame: { url, parent: null },
    };
  }
  async invoke(channel: string, args: unknown[], event = this.event()): Promise<unknown> {
    return structuredClone(await this.handlers.get(channel)!(event, ...structuredClone(args)));
  }
}

let fuzz: FuzzService;
let ipc: MemoryIpcMain;
let handlers: IpcHandlers;

beforeAll(async () => {
  fuzz = await startFuzzService();
  ipc = new MemoryIpcMain();
  handlers = registerIpcHandlers({
    ipcMain: ipc,
    api: createSessionManagerApi(fuzz.service.port),
    trustedSender: () => ({ webContentsId: 1, pageUrl }),
  });
});
afterAll(async () => {
  handlers?.dispose();
  await fuzz?.close();
});

const args = fc.array(
  fc.oneof(edgyValue, fc.dictionary(fc.string({ maxLength: 8 }), edgyValue, { maxKeys: 4 })),
  {
    maxLength: 3,
  },
);
const CLIENT_ERRORS = ['bad-request', 'not-found', 'conflict', 'forbidden', 'unauthorized'];
/** Operations that would reach real hosts or mail servers with a valid argument: never given none. */
const outward = new Set(['testHostConnection', 'sendTestNotification']);

describe('IPC channel fuzzing', () => {
  it.each(operationNames)('%s: random arguments → a well-formed reply, never "internal"', async (name) => {
    await fc.assert(
      fc.asyncProperty(args, async (values) => {
        if (outward.has(name) && values.length === 0) values = [{ unexpected: true }];
        const before = readFileSync(fuzz.configPath, 'utf8');
        const reply = ipcReplySchema.parse(await ipc.invoke(operationChannels[name], values));
        if (!reply.ok) {
          expect(CLIENT_ERRORS, JSON.stringify([values, reply])).toContain(reply.error.error);
          expect(reply.error.message.length).toBeGreaterThan(0);
          expect(readFileSync(fuzz.configPath, 'utf8')).toBe(before);
        }
      }),
      { numRuns: 25 },
    );
  });

  it('the event stream channels take any arguments', async () => {
    await fc.assert(
      fc.asyncProperty(args, async (values) => {
        const reply = ipcReplySchema.parse(await ipc.invoke(eventChannels.subscribe, values));
        if (!reply.ok) expect(CLIENT_ERRORS).toContain(reply.error.error);
        expect(() => ipc.listeners.get(eventChannels.close)!(ipc.event(), ...values)).not.toThrow();
      }),
      { numRuns: 60 },
    );
    handlers.closeSubscriptions();
  });

  it('a foreign sender is refused on every channel, whatever it sends', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...operationNames), args, fc.webUrl(), async (name, values, url) => {
        const reply = ipcReplySchema.parse(
          await ipc.invoke(operationChannels[name], values, ipc.event(2, url)),
        );
        expect(reply).toMatchObject({ ok: false, error: { error: 'forbidden' } });
      }),
      { numRuns: 60 },
    );
  });

  it('every operation’s input schema parses any value without throwing', () => {
    const schemas = [...operationNames.map((name) => operations[name].input), streams.events.input];
    fc.assert(
      fc.property(
        fc.constantFrom(...schemas),
        fc.anything({
          withMap: true,
          withSet: true,
          withBigInt: true,
          withDate: true,
          withTypedArray: true,
          withSparseArray: true,
          withNullPrototype: true,
        }),
        (schema, value) => {
          expect(() => schema.safeParse(value)).not.toThrow();
        },
      ),
      { numRuns: 1000 },
    );
  });
});
