import { loginItemPlan, type ElectronLoginItemSettings, type LoginItemEnv } from './login-item.js';
import { writeAutostartEntry } from './xdg-autostart.js';

/** Carries out the start-at-login plan: Electron's call on Windows/macOS, the autostart file on Linux. */

interface LoginItemDeps {
  /** app.setLoginItemSettings */
  setLoginItemSettings(settings: ElectronLoginItemSettings): void;
  writeAutostart?: (file: string, content: string | undefined) => Promise<void>;
}

export async function applyLoginItem(
  enabled: boolean,
  env: LoginItemEnv,
  deps: LoginItemDeps,
): Promise<void> {
  const plan = loginItemPlan(enabled, env);
  if (plan.kind === 'electron') deps.setLoginItemSettings(plan.settings);
  else await (deps.writeAutostart ?? writeAutostartEntry)(plan.file, plan.content);
}
