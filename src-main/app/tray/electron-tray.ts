import { Menu, nativeImage, Tray } from 'electron';
import type { TrayView } from './tray-controller.js';
import { trayIconPath } from './tray-icons.js';
import type { TrayCommand, TrayModel } from './tray-menu.js';
import { menuTemplate } from './tray-menu-template.js';

/** The Electron edge of the tray: shows a TrayModel (icon, tooltip, menu); clicks go to `onCommand`. */
export function createElectronTray(options: {
  assetsDir: string;
  platform: NodeJS.Platform;
  onCommand: (command: TrayCommand) => void;
  onClick: () => void;
}): TrayView & { destroy(): void } {
  const image = (status: TrayModel['status']) =>
    nativeImage.createFromPath(trayIconPath(status, options.platform, options.assetsDir));
  const tray = new Tray(image('idle'));
  // Windows and Linux open the window on a click; macOS shows the menu (its convention).
  if (options.platform !== 'darwin') tray.on('click', options.onClick);
  let status: TrayModel['status'] | undefined;
  return {
    show(model) {
      if (model.status !== status) {
        tray.setImage(image(model.status));
        status = model.status;
      }
      tray.setToolTip(model.tooltip);
      tray.setContextMenu(Menu.buildFromTemplate(menuTemplate(model.menu, options.onCommand)));
    },
    destroy: () => tray.destroy(),
  };
}
