import path from 'node:path';
import type { TrayStatus } from './tray-status.js';

/**
 * Which PNG shows a tray status. macOS gets template images (black + alpha, named `…Template.png`)
 * that the menu bar tints for light and dark mode; the other platforms get coloured icons. Electron
 * picks the `@2x` file next to each one on high-density screens.
 */
export function trayIconPath(status: TrayStatus, platform: NodeJS.Platform, assetsDir: string): string {
  const name = platform === 'darwin' ? `tray-${status}Template.png` : `tray-${status}.png`;
  return path.join(assetsDir, name);
}

/** The window and notification icon. */
export function appIconPath(assetsDir: string): string {
  return path.join(assetsDir, 'icon.png');
}
