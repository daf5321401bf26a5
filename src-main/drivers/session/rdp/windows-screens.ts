import type { Framebuffer } from './framebuffer.js';

/**
 * Windows' lock and sign-in screens told apart from a desktop by their layout, without OCR. Both are
 * drawn by LogonUI over a picture (or its blur) with white text and no taskbar:
 * - sign-in: one centred column (the user's picture, the name, then a light password box about
 *   300 px wide and 32 px high at 100 % scaling, in the lower middle of the screen);
 * - lock: a large clock, bottom left (Windows 10, Server 2016 to 2022) or centred near the top
 *   (Windows 11, Server 2025), and little else.
 * A desktop has a taskbar along one edge and is rarely mostly dark with a little white text, so a
 * screen with a taskbar, or with much light area, is never read as either.
 */
export type WindowsScreen = 'sign-in' | 'lock';

/** Pixels are sampled on a grid of this many pixels: text and boxes at 100 % scaling are bigger. */
const CELL = 4;
/** White text and LogonUI's password box; photos and their blur rarely reach it over large areas. */
const LIGHT = 200;
/** LogonUI's light parts (text, box, picture) cover less than this share of the screen. */
const MAX_LIGHT_SHARE = 0.15;

export function readWindowsScreen(fb: Framebuffer): WindowsScreen | undefined {
  if (hasTaskbar(fb)) return undefined;
  const grid = lightGrid(fb);
  if (grid.lightCells > grid.cols * grid.rows * MAX_LIGHT_SHARE) return undefined;
  const shapes = lightShapes(grid);
  if (hasPasswordBox(shapes, fb)) return 'sign-in';
  if (hasClock(shapes, fb)) return 'lock';
  return undefined;
}

// ---- The taskbar ----

/** Taskbars are 30 to 48 px at 100 % scaling, up to 72 px at 150 %. */
const TASKBAR_MIN = 28;
const TASKBAR_MAX = 80;
/** A bar is mostly one colour (its icons take the rest) and clearly unlike what lies beside it. */
const BAR_UNIFORM_SHARE = 0.6;
const BAR_EDGE_SHARE = 0.5;
const COLOUR_STEP = 24;

/** A band along any edge of the screen that is mostly one colour and ends in a sharp line. */
function hasTaskbar(fb: Framebuffer): boolean {
  const { width: w, height: h } = fb;
  const row = (y: number) => (x: number) => pixel(fb, x, y);
  const column = (x: number) => (y: number) => pixel(fb, x, y);
  return (
    hasBar(h, w, (i) => row(h - 1 - i)) ||
    hasBar(h, w, (i) => row(i)) ||
    hasBar(w, h, (i) => column(i)) ||
    hasBar(w, h, (i) => column(w - 1 - i))
  );
}

/**
 * `line(i)` reads the i-th line in from one edge, `length` pixels long: a bar is lines 0..t-1 mostly
 * of the edge's colour, with line t unlike them over much of its length, for some t in range.
 */
function hasBar(depth: number, length: number, line: (i: number) => (at: number) => number): boolean {
  if (depth < TASKBAR_MAX * 2) return false;
  const edge = line(1);
  const samples = Math.floor(length / CELL);
  const barColour = modal(samples, (k) => edge(k * CELL));
  for (let t = 1; t <= TASKBAR_MAX; t++) {
    const current = line(t);
    let same = 0;
    for (let k = 0; k < samples; k++) if (close(current(k * CELL), barColour)) same++;
    if (same >= samples * BAR_UNIFORM_SHARE) continue;
    if (t < TASKBAR_MIN) return false;
    // Line t has left the bar's colour: a taskbar when the change is sharp (within two lines, past a
    // one-pixel border) across much of the screen, not a gradient's drift.
    let edgeCount = 0;
    const inside = line(t - 1);
    const beyond = line(t + 1);
    for (let k = 0; k < samples; k++) if (!close(beyond(k * CELL), inside(k * CELL))) edgeCount++;
    return edgeCount >= samples * BAR_EDGE_SHARE;
  }
  return false;
}

/** The most common colour among n samples, grouped loosely (codec noise): one sample of it. */
function modal(n: number, sample: (k: number) => number): number {
  const groups = new Map<number, { count: number; example: number }>();
  for (let k = 0; k < n; k++) {
    const rgb = sample(k);
    const group = groups.get(quantise(rgb)) ?? { count: 0, example: rgb };
    group.count++;
    groups.set(quantise(rgb), group);
  }
  let best = { count: -1, example: 0 };
  for (const group of groups.values()) if (group.count > best.count) best = group;
  return best.example;
}

// ---- Light shapes ----

interface LightGrid {
  cols: number;
  rows: number;
  light: Uint8Array;
  lightCells: number;
}

/** Each CELL×CELL cell is light when its centre pixel is. */
function lightGrid(fb: Framebuffer): LightGrid {
  const cols = Math.floor(fb.width / CELL);
  const rows = Math.floor(fb.height / CELL);
  const light = new Uint8Array(cols * rows);
  let lightCells = 0;
  const half = CELL >> 1;
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++)
      if (luminance(pixel(fb, c * CELL + half, r * CELL + half)) >= LIGHT) {
        light[r * cols + c] = 1;
        lightCells++;
      }
  return { cols, rows, light, lightCells };
}

/** A connected light region, in pixels, with the share of its box it fills. */
interface Shape {
  left: number;
  top: number;
  width: number;
  height: number;
  fill: number;
}

function lightShapes(grid: LightGrid): Shape[] {
  const { cols, rows, light } = grid;
  const seen = new Uint8Array(cols * rows);
  const shapes: Shape[] = [];
  const stack: number[] = [];
  for (let start = 0; start < light.length; start++) {
    if (!light[start] || seen[start]) continue;
    let [minC, minR, maxC, maxR, cells] = [cols, rows, 0, 0, 0];
    stack.push(start);
    seen[start] = 1;
    while (stack.length > 0) {
      const at = stack.pop()!;
      const c = at % cols;
      const r = (at - c) / cols;
      cells++;
      [minC, minR, maxC, maxR] = [Math.min(minC, c), Math.min(minR, r), Math.max(maxC, c), Math.max(maxR, r)];
      for (const next of [c > 0 ? at - 1 : -1, c < cols - 1 ? at + 1 : -1, at - cols, at + cols])
        if (next >= 0 && next < light.length && light[next] && !seen[next]) {
          seen[next] = 1;
          stack.push(next);
        }
    }
    const boxCells = (maxC - minC + 1) * (maxR - minR + 1);
    shapes.push({
      left: minC * CELL,
      top: minR * CELL,
      width: (maxC - minC + 1) * CELL,
      height: (maxR - minR + 1) * CELL,
      fill: cells / boxCells,
    });
  }
  return shapes;
}

// ---- Sign-in: a centred light password box with more of the column above it ----

function hasPasswordBox(shapes: readonly Shape[], fb: Framebuffer): boolean {
  const centre = fb.width / 2;
  const centred = (s: Shape) => Math.abs(s.left + s.width / 2 - centre) <= Math.max(16, fb.width * 0.02);
  return shapes.some(
    (box) =>
      centred(box) &&
      box.fill >= 0.7 &&
      box.width >= 180 &&
      box.width <= 760 &&
      box.width >= box.height * 5 &&
      box.height >= 20 &&
      box.height <= 72 &&
      box.top >= fb.height * 0.4 &&
      box.top <= fb.height * 0.85 &&
      // The user's name or picture, centred above it.
      shapes.some((above) => above !== box && centred(above) && above.top + above.height <= box.top),
  );
}

// ---- Lock: a large clock, as a line of glyphs ----

/** A line of text: glyph shapes side by side, each overlapping the line's height, close together. */
function textLines(shapes: readonly Shape[]): Shape[] {
  const glyphs = shapes.filter((s) => s.fill < 0.9 || s.width <= s.height).sort((a, b) => a.left - b.left);
  const lines: { box: Shape; cells: number }[] = [];
  for (const glyph of glyphs) {
    const line = lines.find(
      ({ box }) =>
        overlap(box.top, box.height, glyph.top, glyph.height) >= Math.min(box.height, glyph.height) * 0.5 &&
        glyph.left - (box.left + box.width) <= Math.max(box.height, glyph.height) * 0.6,
    );
    const cells = glyph.fill * glyph.width * glyph.height;
    if (!line) {
      lines.push({ box: { ...glyph }, cells });
      continue;
    }
    const right = Math.max(line.box.left + line.box.width, glyph.left + glyph.width);
    const bottom = Math.max(line.box.top + line.box.height, glyph.top + glyph.height);
    line.box.left = Math.min(line.box.left, glyph.left);
    line.box.top = Math.min(line.box.top, glyph.top);
    line.box.width = right - line.box.left;
    line.box.height = bottom - line.box.top;
    line.cells += cells;
  }
  return lines.map(({ box, cells }) => ({ ...box, fill: cells / (box.width * box.height) }));
}

function hasClock(shapes: readonly Shape[], fb: Framebuffer): boolean {
  const { width: w, height: h } = fb;
  return textLines(shapes).some((line) => {
    const big = line.height >= h * 0.05 && line.height <= h * 0.22;
    const wide = line.width >= w * 0.08 && line.width <= w * 0.45 && line.width >= line.height * 1.5;
    const strokes = line.fill >= 0.1 && line.fill <= 0.65;
    const middle = line.top + line.height / 2;
    const bottomLeft = line.left <= w * 0.1 && middle >= h * 0.55;
    const topCentre = Math.abs(line.left + line.width / 2 - w / 2) <= w * 0.03 && middle <= h * 0.45;
    return big && wide && strokes && (bottomLeft || topCentre);
  });
}

// ---- Pixels ----

/** The pixel at (x, y) as 0xRRGGBB. */
function pixel(fb: Framebuffer, x: number, y: number): number {
  const i = (y * fb.width + x) * 4;
  return (fb.data[i]! << 16) | (fb.data[i + 1]! << 8) | fb.data[i + 2]!;
}

function luminance(rgb: number): number {
  return 0.299 * (rgb >> 16) + 0.587 * ((rgb >> 8) & 0xff) + 0.114 * (rgb & 0xff);
}

function quantise(rgb: number): number {
  const q = (v: number) => Math.round(v / COLOUR_STEP);
  return (q(rgb >> 16) << 16) | (q((rgb >> 8) & 0xff) << 8) | q(rgb & 0xff);
}

/** Two colours within codec noise of each other. */
function close(rgb: number, other: number): boolean {
  return (
    Math.abs((rgb >> 16) - (other >> 16)) <= COLOUR_STEP &&
    Math.abs(((rgb >> 8) & 0xff) - ((other >> 8) & 0xff)) <= COLOUR_STEP &&
    Math.abs((rgb & 0xff) - (other & 0xff)) <= COLOUR_STEP
  );
}

function overlap(aStart: number, aLength: number, bStart: number, bLength: number): number {
  return Math.min(aStart + aLength, bStart + bLength) - Math.max(aStart, bStart);
}
