import type { MenuItemConstructorOptions } from 'electron';
import type { TrayCommand, TrayMenuItem } from './tray-menu.js';

/** The menu model → Electron's menu template (type-only import: no Electron needed to test it). */
export function menuTemplate(
  items: readonly TrayMenuItem[],
  onCommand: (command: TrayCommand) => void,
): MenuItemConstructorOptions[] {
  return items.map((item): MenuItemConstructorOptions => {
    switch (item.kind) {
      case 'separator':
        return { type: 'separator' };
      case 'label':
        return { label: item.label, enabled: false };
      case 'action':
        return { label: item.label, enabled: item.enabled, click: () => onCommand(item.command) };
      case 'checkbox':
        return {
          type: 'checkbox',
          label: item.label,
          checked: item.checked,
          enabled: item.enabled,
          click: () => onCommand(item.command),
        };
    }
  });
}
