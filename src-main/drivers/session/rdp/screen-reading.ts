import type { ScreenReading } from '../../../core/session-driver.js';
import type { Framebuffer } from './framebuffer.js';
import { readWindowsScreen } from './windows-screens.js';

/**
 * What a session's screen shows: blank, a login window, Windows' lock screen, or a desktop. Read for
 * the session's health, and from the first frames of a TLS-only session, for hosts that do not say
 * whether the logon worked: Windows sends a logon notification (or a logon error); xrdp sends
 * neither: after a refused logon it stays on its own screen and draws its login or "Connection Log"
 * window there. That window is recognised by xrdp's window colours: a title bar in `blue` directly
 * above a body in `grey` (xrdp.ini; 009cb5 and dedede unless the host's administrator changed them).
 * Windows' sign-in and lock screens are recognised by their layout (windows-screens.ts).
 */

interface Rgb {
  r: number;
  g: number;
  b: number;
}

const XRDP_TITLE: Rgb = { r: 0x00, g: 0x9c, b: 0xb5 };
const XRDP_BODY: Rgb = { r: 0xde, g: 0xde, b: 0xde };
/** Frames often arrive in 16-bit colour (dedede comes back as dedfde): compare loosely. */
const TOLERANCE = 8;
/** xrdp's windows are at least this wide (its login box is 350 px, the log window 400 px). */
const MIN_WINDOW_WIDTH = 120;
const MIN_TITLE_ROWS = 8;
/** The body starts within a few rows below the title bar (a border line may sit between). */
const MAX_GAP_ROWS = 6;

export function readScreen(framebuffer: Framebuffer): ScreenReading {
  const { width, height, data } = framebuffer;
  if (width === 0 || height === 0 || framebuffer.updates === 0 || isUniform(data)) return 'blank';
  if (showsXrdpWindow(framebuffer)) return 'login-screen';
  const windows = readWindowsScreen(framebuffer);
  if (windows === 'sign-in') return 'login-screen';
  return windows === 'lock' ? 'lock-screen' : 'desktop';
}

/** One colour all over, give or take what lossy codecs (RemoteFX tiles, 16-bit colour) add. */
function isUniform(data: Uint8Array): boolean {
  const first = { r: data[0]!, g: data[1]!, b: data[2]! };
  for (let i = 4; i < data.length; i += 4) if (!near(data, i, first)) return false;
  return true;
}

function near(data: Uint8Array, offset: number, colour: Rgb): boolean {
  return (
    Math.abs(data[offset]! - colour.r) <= TOLERANCE &&
    Math.abs(data[offset + 1]! - colour.g) <= TOLERANCE &&
    Math.abs(data[offset + 2]! - colour.b) <= TOLERANCE
  );
}

/** The longest run of `colour` in row y, as [start, length]. */
function longestRun(fb: Framebuffer, y: number, colour: Rgb): [number, number] {
  let best: [number, number] = [0, 0];
  let start = -1;
  for (let x = 0; x <= fb.width; x++) {
    const inside = x < fb.width && near(fb.data, (y * fb.width + x) * 4, colour);
    if (inside && start < 0) start = x;
    if (!inside && start >= 0) {
      if (x - start > best[1]) best = [start, x - start];
      start = -1;
    }
  }
  return best;
}

/** A band of title-colour rows at least MIN_TITLE_ROWS tall, with a body-colour run just below it. */
function showsXrdpWindow(fb: Framebuffer): boolean {
  let titleRows = 0;
  let title: [number, number] = [0, 0];
  for (let y = 0; y < fb.height; y++) {
    const run = longestRun(fb, y, XRDP_TITLE);
    if (run[1] >= MIN_WINDOW_WIDTH) {
      titleRows++;
      title = run;
      continue;
    }
    if (titleRows >= MIN_TITLE_ROWS) {
      for (let below = y; below < Math.min(fb.height, y + MAX_GAP_ROWS); below++) {
        const body = longestRun(fb, below, XRDP_BODY);
        const overlap = Math.min(title[0] + title[1], body[0] + body[1]) - Math.max(title[0], body[0]);
        if (overlap >= MIN_WINDOW_WIDTH) return true;
      }
    }
    titleRows = 0;
  }
  return false;
}
