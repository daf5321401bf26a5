import { describe, expect, it } from 'vitest';
import { Framebuffer } from '../../../src-main/drivers/session/rdp/framebuffer.js';
import { readScreen } from '../../../src-main/drivers/session/rdp/screen-reading.js';

type Rgb = [number, number, number];

function screen(width: number, height: number, background: Rgb): Framebuffer {
  const fb = new Framebuffer(width, height);
  fill(fb, [0, 0, width, height], background);
  return fb;
}

function fill(fb: Framebuffer, [x, y, w, h]: number[], [r, g, b]: Rgb): void {
  for (let row = y!; row < y! + h!; row++)
    for (let col = x!; col < x! + w!; col++) fb.data.set([r, g, b, 255], (row * fb.width + col) * 4);
  fb.updates++;
}

/** xrdp's window as it draws it: a title bar in `blue` over a body in `grey`, as 16-bit colour rounds them. */
function xrdpWindow(fb: Framebuffer, x: number, y: number, title: Rgb = [0x00, 0x9e, 0xb5]): void {
  fill(fb, [x, y, 400, 400], [0xde, 0xdf, 0xde]);
  fill(fb, [x + 2, y + 2, 396, 18], title);
  fill(fb, [x + 6, y + 6, 60, 8], [0xff, 0xff, 0xff]); // the title's text
}

describe('readScreen', () => {
  it('is blank before any frame and while the screen is one colour', () => {
    expect(readScreen(new Framebuffer())).toBe('blank');
    const fb = new Framebuffer(64, 48);
    expect(readScreen(fb)).toBe('blank');
    expect(readScreen(screen(64, 48, [0, 0, 0]))).toBe('blank');
  });

  it("sees xrdp's login or connection-log window, wherever it is drawn", () => {
    for (const [x, y] of [
      [10, 10],
      [300, 150],
    ]) {
      const fb = screen(1024, 768, [0, 0, 0]);
      xrdpWindow(fb, x!, y!);
      expect(readScreen(fb)).toBe('login-screen');
    }
  });

  it('takes anything else as a desktop: a terminal, a window with another title colour, a blue band alone', () => {
    const terminal = screen(1024, 768, [0, 0, 0]);
    fill(terminal, [0, 0, 485, 317], [0xff, 0xff, 0xff]);
    expect(readScreen(terminal)).toBe('desktop');

    const otherWindow = screen(1024, 768, [0x3a, 0x6e, 0xa5]);
    xrdpWindow(otherWindow, 100, 100, [0x00, 0x78, 0xd7]);
    expect(readScreen(otherWindow)).toBe('desktop');

    const band = screen(1024, 768, [0x20, 0x20, 0x20]);
    fill(band, [0, 700, 1024, 20], [0x00, 0x9c, 0xb5]);
    expect(readScreen(band)).toBe('desktop');
  });

  it('needs a window wide enough: a small blue-over-grey icon is not one', () => {
    const fb = screen(1024, 768, [0x10, 0x10, 0x10]);
    fill(fb, [50, 50, 40, 40], [0xde, 0xde, 0xde]);
    fill(fb, [50, 50, 40, 10], [0x00, 0x9c, 0xb5]);
    expect(readScreen(fb)).toBe('desktop');
  });
});
