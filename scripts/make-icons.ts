import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import { trayStatuses, type TrayStatus } from '../src-main/app/tray/tray-status.js';

/**
 * Draws the app's icons into assets/ (run: `npx tsx scripts/make-icons.ts`). Deterministic: a test
 * redraws them and compares with the committed files.
 * - tray-<status>.png (+ @2x): coloured, for Windows and Linux;
 * - tray-<status>Template.png (+ @2x): black and alpha only, for the macOS menu bar (it tints them);
 *   there the statuses differ by shape, since colour is not shown: idle a ring, active a disc,
 *   attention a disc with "!", error a disc with "×".
 * - icon.png: the 1024×1024 app icon electron-builder turns into .ico/.icns.
 */

type Rgba = readonly [number, number, number, number];
/** A shape in unit coordinates (0..1 on both axes, y down): the colour at a point, or undefined. */
type Shape = (x: number, y: number) => Rgba | undefined;

const samples = 4; // 4×4 supersampling per pixel for smooth edges

export function render(size: number, shape: Shape): Buffer {
  const png = new PNG({ width: size, height: size });
  for (let py = 0; py < size; py++)
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < samples; sy++)
        for (let sx = 0; sx < samples; sx++) {
          const colour = shape((px + (sx + 0.5) / samples) / size, (py + (sy + 0.5) / samples) / size);
          if (!colour) continue;
          const alpha = colour[3] / 255;
          r += colour[0] * alpha;
          g += colour[1] * alpha;
          b += colour[2] * alpha;
          a += alpha;
        }
      const i = (py * size + px) * 4;
      const n = samples * samples;
      png.data[i] = a ? Math.round(r / a) : 0;
      png.data[i + 1] = a ? Math.round(g / a) : 0;
      png.data[i + 2] = a ? Math.round(b / a) : 0;
      png.data[i + 3] = Math.round((a / n) * 255);
    }
  return PNG.sync.write(png, { colorType: 6 });
}

const distance = (x: number, y: number, cx: number, cy: number) => Math.hypot(x - cx, y - cy);

/** Distance from (x, y) to the segment a–b. */
function segment(x: number, y: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(x - (ax + t * dx), y - (ay + t * dy));
}

type Status = TrayStatus;

const colours: Record<Status, Rgba> = {
  idle: [134, 142, 150, 255],
  active: [47, 158, 68, 255],
  attention: [240, 140, 0, 255],
  error: [224, 49, 49, 255],
};

/** The glyph cut out of the disc (none for idle and active). */
function glyph(status: Status, x: number, y: number): boolean {
  if (status === 'attention')
    return segment(x, y, 0.5, 0.27, 0.5, 0.56) < 0.075 || distance(x, y, 0.5, 0.73) < 0.08;
  if (status === 'error')
    return segment(x, y, 0.33, 0.33, 0.67, 0.67) < 0.075 || segment(x, y, 0.67, 0.33, 0.33, 0.67) < 0.075;
  return false;
}

export function trayShape(status: Status, template: boolean): Shape {
  const ink: Rgba = template ? [0, 0, 0, 255] : colours[status];
  const white: Rgba = [255, 255, 255, 255];
  return (x, y) => {
    const d = distance(x, y, 0.5, 0.5);
    if (status === 'idle') return d < 0.44 && d > 0.3 ? ink : undefined;
    if (d >= 0.44) return undefined;
    if (glyph(status, x, y)) return template ? undefined : white;
    return ink;
  };
}

/** App icon: a blue rounded square with a white power symbol. */
export function appIconShape(): Shape {
  const blue: Rgba = [28, 126, 214, 255];
  const white: Rgba = [255, 255, 255, 255];
  return (x, y) => {
    const r = 0.18;
    const qx = Math.max(Math.abs(x - 0.5) - (0.5 - 0.04 - r), 0);
    const qy = Math.max(Math.abs(y - 0.5) - (0.5 - 0.04 - r), 0);
    if (Math.hypot(qx, qy) > r) return undefined;
    const d = distance(x, y, 0.5, 0.53);
    const angle = Math.atan2(x - 0.5, -(y - 0.53)); // 0 at the top
    const ring = Math.abs(d - 0.24) < 0.045 && Math.abs(angle) > 0.6;
    const bar = segment(x, y, 0.5, 0.2, 0.5, 0.48) < 0.045;
    return ring || bar ? white : blue;
  };
}

/** The tray icons: file name → PNG bytes. */
export function trayIcons(): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const status of trayStatuses)
    for (const template of [false, true]) {
      const base = `tray-${status}${template ? 'Template' : ''}`;
      files.set(`${base}.png`, render(16, trayShape(status, template)));
      files.set(`${base}@2x.png`, render(32, trayShape(status, template)));
    }
  return files;
}

/** Every asset: the tray icons and the app icon. */
export function allIcons(): Map<string, Buffer> {
  return new Map([...trayIcons(), ['icon.png', render(1024, appIconShape())]]);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = fileURLToPath(new URL('../assets/', import.meta.url));
  const icons = allIcons();
  for (const [name, bytes] of icons) writeFileSync(path.join(dir, name), bytes);
  console.log(`wrote ${icons.size} icons to ${dir}`);
}
