import path from 'node:path';
import { PNG } from 'pngjs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Framebuffer } from '../../../src-main/drivers/session/rdp/framebuffer.js';
import { readScreen } from '../../../src-main/drivers/session/rdp/screen-reading.js';
import { launchChromium } from '../../e2e/helpers/browser.js';

/**
 * Windows' sign-in and lock screens, and desktops that must not be taken for them, drawn by Chromium
 * from their public layouts (test/fixtures/screens) at the sizes bots run at, read as RDP frames are.
 */
const screens = path.resolve(import.meta.dirname, '../../fixtures/screens');
const SIZES = [
  [1024, 768],
  [1280, 800],
  [1920, 1080],
] as const;

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser.close();
});

async function read(file: string, width: number, height: number, css?: string): Promise<string> {
  const page = await browser.newPage({ viewport: { width, height } });
  try {
    await page.goto(`file://${path.join(screens, file)}`);
    if (css) await page.addStyleTag({ content: css });
    const png = PNG.sync.read(await page.screenshot());
    const framebuffer = new Framebuffer(png.width, png.height);
    framebuffer.draw(png.data, png.width, 0, 0, 0, 0, png.width, png.height);
    return readScreen(framebuffer);
  } finally {
    await page.close();
  }
}

describe("Windows' sign-in and lock screens by their layout", { timeout: 60_000 }, () => {
  it.each(SIZES)('at %i×%i', async (width, height) => {
    expect(await read('windows-10-sign-in.html', width, height)).toBe('login-screen');
    expect(await read('windows-10-lock.html', width, height)).toBe('lock-screen');
    expect(await read('windows-11-lock.html', width, height)).toBe('lock-screen');
    expect(await read('windows-10-desktop.html', width, height)).toBe('desktop');
    expect(await read('windows-11-desktop.html', width, height)).toBe('desktop');
    expect(await read('dark-terminal.html', width, height)).toBe('desktop');
  });

  it('a desktop whose taskbar is on another edge is still a desktop', async () => {
    const left =
      '.taskbar { top: 0; bottom: 0; right: auto; width: 40px; height: auto; flex-direction: column; }';
    expect(await read('windows-10-desktop.html', 1280, 800, left)).toBe('desktop');
    const top = '.taskbar { top: 0; bottom: auto; }';
    expect(await read('windows-10-desktop.html', 1280, 800, top)).toBe('desktop');
  });
});
