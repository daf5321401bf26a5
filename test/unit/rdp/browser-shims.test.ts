import { describe, expect, it } from 'vitest';
import {
  installBrowserShims,
  InProcessWebSocket,
  registerPeer,
  ShimCanvas,
  ShimImageData,
  type SocketPeer,
} from '../../../src-main/drivers/session/rdp/browser-shims.js';
import { Framebuffer } from '../../../src-main/drivers/session/rdp/framebuffer.js';

class RecordingPeer implements SocketPeer {
  socket?: InProcessWebSocket;
  received: number[] = [];
  closed = false;
  attach(socket: InProcessWebSocket) {
    this.socket = socket;
  }
  fromClient(bytes: Uint8Array) {
    this.received.push(...bytes);
  }
  clientClosed() {
    this.closed = true;
  }
}

const nextEvent = (socket: EventTarget, type: string) =>
  new Promise<Event>((resolve) => socket.addEventListener(type, resolve, { once: true }));

describe('in-process WebSocket', () => {
  it('opens, keeps the client’s Blob and byte sends in order, and delivers server bytes', async () => {
    const peer = new RecordingPeer();
    const { url, unregister } = registerPeer(peer);
    const socket = new InProcessWebSocket(url);
    await nextEvent(socket, 'open');
    socket.binaryType = 'arraybuffer';
    socket.send(new Blob([Uint8Array.from([1, 2])]));
    socket.send(Uint8Array.from([3]));
    socket.send(new Blob([Uint8Array.from([4])]));
    const message = nextEvent(socket, 'message');
    peer.socket!.deliver(Uint8Array.from([9, 8]));
    const data = ((await message) as Event & { data: ArrayBuffer }).data;
    expect(data).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(data)]).toEqual([9, 8]);
    const closed = nextEvent(socket, 'close');
    socket.close();
    await closed;
    expect(peer.received).toEqual([1, 2, 3, 4]);
    expect(peer.closed).toBe(true);
    unregister();
  });

  it('reports the server’s close with its code and reason', async () => {
    const peer = new RecordingPeer();
    const socket = new InProcessWebSocket(registerPeer(peer).url);
    await nextEvent(socket, 'open');
    const closed = nextEvent(socket, 'close') as Promise<Event & { code: number; reason: string }>;
    peer.socket!.serverClose(1011, 'refused');
    expect(await closed).toMatchObject({ code: 1011, reason: 'refused', wasClean: false });
    expect(socket.readyState).toBe(InProcessWebSocket.CLOSED);
  });

  it('refuses an unknown in-process endpoint', () => {
    expect(() => new InProcessWebSocket('ws://in-process.invalid/999999')).toThrow(/unknown/);
  });
});

describe('canvas shim', () => {
  it('draws putImageData regions into the framebuffer the canvas was sized to', () => {
    installBrowserShims();
    const canvas = new ShimCanvas(new Framebuffer());
    canvas.width = 4;
    canvas.height = 2;
    const context = canvas.getContext('2d')!;
    expect(context).toBeInstanceOf(globalThis.CanvasRenderingContext2D as unknown as typeof Object);
    const image = new ShimImageData(new Uint8ClampedArray(2 * 1 * 4).fill(7), 2);
    context.putImageData(image, 1, 1, 0, 0, 2, 1);
    const fb = canvas.framebuffer;
    expect([...fb.data.subarray((1 * 4 + 1) * 4, (1 * 4 + 3) * 4)]).toEqual(new Array(8).fill(7));
    expect(fb.data[0]).toBe(0);
    expect(canvas.getContext('webgl')).toBeNull();
  });
});
