import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { ConfigError, type ConfigStore } from '../config/config-store.js';
import type { Config } from '../config/schema.js';

interface ConfigWatcherEvents {
  /** A valid new config is on disk. */
  changed(config: Config): void;
  /** The file changed but is broken: the last good config stays in force. */
  rejected(error: ConfigError): void;
}

/**
 * Watches the config file's directory (editors and conf replace the file by rename, which a watch on the
 * file itself would miss) and reloads after the writes settle.
 */
export class ConfigWatcher {
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastText: string;

  constructor(
    private readonly store: ConfigStore,
    private readonly events: ConfigWatcherEvents,
    private readonly settleMs = 200,
    current: Config,
  ) {
    this.lastText = JSON.stringify(current);
  }

  start(): void {
    const file = path.basename(this.store.path);
    this.watcher = watch(path.dirname(this.store.path), { persistent: false }, (_event, name) => {
      if (name && name !== file) return;
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.reload(), this.settleMs);
    });
  }

  /** Reads the file now; also called after the API or CLI wrote it. */
  reload(): void {
    try {
      const config = this.store.load();
      const text = JSON.stringify(config);
      if (text === this.lastText) return;
      this.lastText = text;
      this.events.changed(config);
    } catch (error) {
      if (error instanceof ConfigError) this.events.rejected(error);
      else this.events.rejected(new ConfigError(this.store.path, [String(error)]));
    }
  }

  stop(): void {
    clearTimeout(this.timer);
    this.watcher?.close();
    this.watcher = undefined;
  }
}
