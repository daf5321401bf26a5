import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSessionManagerApi } from '../../../src-main/api/handlers.js';
import {
  settingsGatedNotifier,
  type DesktopNotice,
} from '../../../src-main/app/notifications/desktop-notifier.js';
import { createAppService } from '../../../src-main/app/service-wiring.js';
import { DesktopSink } from '../../../src-main/notifications/sinks/desktop.js';

/** The app's service is the real one (startService), with the desktop sink among its sinks. */
describe('the desktop app’s service', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('starts from the config without an HTTP API, serves the API, reaches the desktop, stops', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sm-app-service-'));
    dirs.push(dir);
    const shown: DesktopNotice[] = [];
    const service = await createAppService({
      configPath: path.join(dir, 'config.json'),
      dataDir: path.join(dir, 'data'),
      logFile: path.join(dir, 'logs', 'desktop.log'),
      extraSinks: [
        new DesktopSink(
          settingsGatedNotifier(
            (notice) => shown.push(notice),
            () => true,
          ),
        ),
      ],
    });
    try {
      const api = createSessionManagerApi(service.port);
      expect((await api.getState()).orchestrator.status).toBe('unconfigured');
      expect(await api.sendTestNotification({ sink: 'desktop' })).toEqual({
        results: [{ sink: 'desktop', ok: true }],
      });
      expect(shown.map((notice) => notice.title)).toEqual(['Test notification from Session Manager']);
      expect(await api.pause()).toEqual({ paused: true });
    } finally {
      await service.stop();
    }
  });
});
