import { Framebuffer } from './framebuffer.js';

/**
 * The browser objects IronRDP's WebAssembly build touches, for Node: a WebSocket that never leaves
 * the process (it talks to an in-process RDCleanPath endpoint), CloseEvent, ImageData, a 2D canvas
 * that draws into a Framebuffer, and the Window/navigator checks. Installed once, on first use.
 */

/** What the in-process endpoint offers to a socket that connects to it. */
export interface SocketPeer {
  attach(socket: InProcessWebSocket): void;
  /** Bytes the client sent, in order. */
  fromClient(bytes: Uint8Array): void;
  /** The client closed its socket. */
  clientClosed(): void;
}

const IN_PROCESS_SCHEME = 'ws://in-process.invalid/';
const peers = new Map<string, SocketPeer>();
let nextPeerId = 1;

/** Registers an endpoint and returns the URL that makes the next `new WebSocket(url)` reach it. */
export function registerPeer(peer: SocketPeer): { url: string; unregister: () => void } {
  const id = String(nextPeerId++);
  peers.set(id, peer);
  return { url: `${IN_PROCESS_SCHEME}${id}`, unregister: () => peers.delete(id) };
}

class ShimCloseEvent extends Event {
  readonly code: number;
  readonly reason: string;
  readonly wasClean: boolean;
  constructor(type: string, init: { code?: number; reason?: string; wasClean?: boolean } = {}) {
    super(type);
    this.code = init.code ?? 1005;
    this.reason = init.reason ?? '';
    this.wasClean = init.wasClean ?? false;
  }
}

class ShimMessageEvent extends Event {
  constructor(readonly data: ArrayBuffer | Blob) {
    super('message');
  }
}

export class InProcessWebSocket extends EventTarget {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  readyState = InProcessWebSocket.CONNECTING;
  binaryType: 'blob' | 'arraybuffer' = 'blob';
  readonly protocol = '';
  readonly extensions = '';
  private readonly peer!: SocketPeer;
  /** Blob sends resolve asynchronously; this chain keeps the client's bytes in order. */
  private sending: Promise<void> = Promise.resolve();

  constructor(readonly url: string) {
    super();
    if (!url.startsWith(IN_PROCESS_SCHEME) && originalWebSocket) {
      // Other code in the process (Electron's main process has a WebSocket) keeps the real one.
      return new originalWebSocket(url) as InProcessWebSocket;
    }
    const peer = peers.get(url.slice(IN_PROCESS_SCHEME.length));
    if (!peer) throw new Error(`unknown in-process RDP endpoint ${url}`);
    this.peer = peer;
    peer.attach(this);
    setImmediate(() => {
      if (this.readyState !== InProcessWebSocket.CONNECTING) return;
      this.readyState = InProcessWebSocket.OPEN;
      this.dispatchEvent(new Event('open'));
    });
  }

  send(data: ArrayBuffer | ArrayBufferView | Blob | string): void {
    if (this.readyState !== InProcessWebSocket.OPEN) return;
    if (data instanceof Blob) {
      const pending = data.arrayBuffer();
      this.sending = this.sending.then(async () => this.forward(new Uint8Array(await pending)));
    } else {
      const bytes =
        typeof data === 'string'
          ? new TextEncoder().encode(data)
          : data instanceof ArrayBuffer
            ? new Uint8Array(data.slice(0))
            : new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
      this.sending = this.sending.then(() => this.forward(bytes));
    }
  }

  private forward(bytes: Uint8Array): void {
    // Bytes sent before close() still go out (e.g. the graceful shutdown request).
    if (this.readyState !== InProcessWebSocket.CLOSED) this.peer.fromClient(bytes);
  }

  close(code = 1000, reason = ''): void {
    if (this.readyState >= InProcessWebSocket.CLOSING) return;
    this.readyState = InProcessWebSocket.CLOSING;
    void this.sending.then(() => {
      this.peer.clientClosed();
      this.finish(code, reason, true);
    });
  }

  /** Endpoint → client. */
  deliver(bytes: Uint8Array): void {
    if (this.readyState !== InProcessWebSocket.OPEN) return;
    const copy = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    this.dispatchEvent(new ShimMessageEvent(this.binaryType === 'arraybuffer' ? copy : new Blob([copy])));
  }

  /** The endpoint ends the connection (the server went away or refused). */
  serverClose(code: number, reason: string): void {
    if (this.readyState === InProcessWebSocket.CLOSED) return;
    // Let bytes already delivered be read before the close.
    setImmediate(() => this.finish(code, reason, code === 1000));
  }

  private finish(code: number, reason: string, wasClean: boolean): void {
    if (this.readyState === InProcessWebSocket.CLOSED) return;
    this.readyState = InProcessWebSocket.CLOSED;
    this.dispatchEvent(new ShimCloseEvent('close', { code, reason, wasClean }));
  }
}

export class ShimImageData {
  readonly height: number;
  constructor(
    readonly data: Uint8ClampedArray,
    readonly width: number,
    height?: number,
  ) {
    this.height = height ?? data.length / 4 / width;
  }
}

class ShimCanvasRenderingContext2D {
  constructor(readonly canvas: ShimCanvas) {}
  putImageData(
    image: ShimImageData,
    dx: number,
    dy: number,
    dirtyX = 0,
    dirtyY = 0,
    dirtyWidth = image.width,
    dirtyHeight = image.height,
  ): void {
    this.canvas.framebuffer.draw(image.data, image.width, dx, dy, dirtyX, dirtyY, dirtyWidth, dirtyHeight);
  }
  // Drawing calls the client may make that a headless framebuffer does not need.
  clearRect(): void {}
  fillRect(): void {}
  drawImage(): void {}
}

/** A canvas whose only surface is a Framebuffer; IronRDP sets its size to the desktop's. */
export class ShimCanvas {
  private readonly context = new ShimCanvasRenderingContext2D(this);
  readonly style: Record<string, string> = {};
  constructor(readonly framebuffer: Framebuffer) {}
  get width(): number {
    return this.framebuffer.width;
  }
  set width(value: number) {
    this.framebuffer.resize(value, this.framebuffer.height);
  }
  get height(): number {
    return this.framebuffer.height;
  }
  set height(value: number) {
    this.framebuffer.resize(this.framebuffer.width, value);
  }
  getContext(kind: string): ShimCanvasRenderingContext2D | null {
    return kind === '2d' ? this.context : null;
  }
}

let installed = false;
let originalWebSocket: (new (url: string) => unknown) | undefined;

/** Puts the shims on globalThis. Existing browser-like globals other code relies on are left alone. */
export function installBrowserShims(): void {
  if (installed) return;
  installed = true;
  const g = globalThis as Record<string, unknown>;
  // IronRDP creates its socket with `new WebSocket(url)`: ours serves in-process URLs and hands
  // any other URL to the platform's WebSocket, if there is one.
  originalWebSocket = g.WebSocket as typeof originalWebSocket;
  g.WebSocket = InProcessWebSocket;
  g.CloseEvent ??= ShimCloseEvent;
  g.ImageData ??= ShimImageData;
  g.CanvasRenderingContext2D ??= ShimCanvasRenderingContext2D;
  g.HTMLCanvasElement ??= ShimCanvas;
  g.navigator ??= { userAgent: `node/${process.versions.node}` };
  // wasm-bindgen asks "is the global object a Window?" to find timers; answer yes for globalThis only.
  g.Window ??= class Window {
    static [Symbol.hasInstance](value: unknown): boolean {
      return value === globalThis;
    }
  };
}
