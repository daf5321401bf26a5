/**
 * The session's screen as RGBA bytes, written by the canvas shim where IronRDP draws. Copies are
 * row by row (one typed-array copy per row); a per-pixel loop costs a visible share of a core.
 */
export class Framebuffer {
  data: Uint8Array;
  /** Count of drawn regions, to tell that frames are arriving. */
  updates = 0;

  constructor(
    public width = 0,
    public height = 0,
  ) {
    this.data = new Uint8Array(width * height * 4);
  }

  resize(width: number, height: number): void {
    if (width === this.width && height === this.height) return;
    this.width = width;
    this.height = height;
    this.data = new Uint8Array(width * height * 4);
  }

  /** Copies the dirty rectangle of `source` (RGBA, `sourceWidth` wide) to (dx + x, dy + y). */
  draw(
    source: Uint8ClampedArray | Uint8Array,
    sourceWidth: number,
    dx: number,
    dy: number,
    x: number,
    y: number,
    w: number,
    h: number,
  ): void {
    const sourceHeight = Math.floor(source.length / 4 / sourceWidth);
    // Clip to both the source image and the framebuffer.
    const left = Math.max(x, -dx, 0);
    const top = Math.max(y, -dy, 0);
    const right = Math.min(x + w, sourceWidth, this.width - dx);
    const bottom = Math.min(y + h, sourceHeight, this.height - dy);
    if (right <= left || bottom <= top) return;
    const rowBytes = (right - left) * 4;
    for (let row = top; row < bottom; row++) {
      const from = (row * sourceWidth + left) * 4;
      const to = ((row + dy) * this.width + left + dx) * 4;
      this.data.set(source.subarray(from, from + rowBytes), to);
    }
    this.updates++;
  }
}
