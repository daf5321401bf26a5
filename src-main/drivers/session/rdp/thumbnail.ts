import { PNG } from 'pngjs';
import type { Framebuffer } from './framebuffer.js';

/**
 * PNG of the framebuffer scaled down to at most `maxWidth` (aspect kept), encoded only when asked.
 * Nearest-neighbour sampling: a thumbnail is small, so the per-pixel loop runs over few pixels.
 */
export function encodeThumbnail(framebuffer: Framebuffer, maxWidth: number): Uint8Array | undefined {
  const { width, height, data } = framebuffer;
  if (width === 0 || height === 0) return undefined;
  const scale = Math.min(1, Math.max(1, Math.floor(maxWidth)) / width);
  const outWidth = Math.max(1, Math.round(width * scale));
  const outHeight = Math.max(1, Math.round(height * scale));
  const png = new PNG({ width: outWidth, height: outHeight, colorType: 6 });
  if (scale === 1) {
    png.data.set(data);
  } else {
    const columns = new Uint32Array(outWidth);
    for (let x = 0; x < outWidth; x++) columns[x] = Math.min(width - 1, Math.floor(x / scale));
    const source = new Uint32Array(data.buffer, data.byteOffset, width * height);
    const target = new Uint32Array(png.data.buffer, png.data.byteOffset, outWidth * outHeight);
    for (let y = 0; y < outHeight; y++) {
      const row = Math.min(height - 1, Math.floor(y / scale)) * width;
      const out = y * outWidth;
      for (let x = 0; x < outWidth; x++) target[out + x] = source[row + columns[x]!]!;
    }
  }
  // The RDP desktop has no transparency; IronRDP leaves alpha at 0 in places, so force it opaque.
  for (let i = 3; i < png.data.length; i += 4) png.data[i] = 255;
  return new Uint8Array(PNG.sync.write(png, { colorType: 6 }));
}
