import { createRequire } from 'node:module';
import path from 'node:path';
import type Conf from 'conf';
import envPaths from 'env-paths';
import { configSchema, describeIssues, emptyConfig, type Config } from './schema.js';
import { migrate, UnsupportedConfigVersionError } from './migrations.js';

const CONFIG_ENV = 'SESSION_MANAGER_CONFIG';

/**
 * conf (with its JSON-schema validator, a third of the CLI's start-up) is loaded at the first read or
 * write of a config file: `config path`, `--version` and `--help` answer without it.
 */
let confClass: typeof Conf | undefined;
const loadConf = (): typeof Conf =>
  (confClass ??= (createRequire(import.meta.url)('conf') as { default: typeof Conf }).default);

/** A config file that cannot be used. It names the file, each field and the reason; the file is left as it is. */
export class ConfigError extends Error {
  readonly exitCode = 2;
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`Invalid config file ${file}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Platform dirs for config, logs and data (XDG, Library, %APPDATA%). */
export function platformPaths() {
  return envPaths('session-manager', { suffix: '' });
}

/** The platform's config dir (XDG on Linux, Application Support on macOS, %APPDATA% on Windows), unless overridden. */
export function resolveConfigPath(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = flag ?? env[CONFIG_ENV];
  if (chosen) return path.resolve(chosen);
  // The same directory conf would choose for this project name.
  return path.join(platformPaths().config, 'config.json');
}

/**
 * The config file: JSON through conf (atomic writes, mode 0600), validated with zod on every load and
 * every write. A file that fails validation is never overwritten.
 */
export class ConfigStore {
  readonly path: string;

  constructor(file: string) {
    this.path = path.resolve(file);
  }

  private conf(): Conf<Record<string, unknown>> {
    const ext = path.extname(this.path);
    try {
      const Conf = loadConf();
      return new Conf<Record<string, unknown>>({
        cwd: path.dirname(this.path),
        configName: path.basename(this.path, ext),
        fileExtension: ext.replace(/^\./, ''),
        configFileMode: 0o600,
        accessPropertiesByDotNotation: false,
        serialize: (value) => `${JSON.stringify(value, undefined, 2)}\n`,
      });
    } catch (error) {
      throw this.unreadable(error);
    }
  }

  private unreadable(error: unknown): ConfigError {
    if (error instanceof SyntaxError)
      return new ConfigError(this.path, [`(file): not valid JSON (${error.message})`]);
    const code = (error as NodeJS.ErrnoException)?.code;
    return new ConfigError(this.path, [
      `(file): cannot be read (${code ?? (error as Error)?.message ?? String(error)})`,
    ]);
  }

  /** Missing file → the empty config (not written until something is saved). */
  load(): Config {
    const raw = this.conf().store;
    return this.parse(raw);
  }

  /** Validates any raw object as this file's content; throws ConfigError naming this file. */
  parse(raw: unknown): Config {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
      throw new ConfigError(this.path, ['(root): must be a JSON object']);
    if (Object.keys(raw).length === 0) return emptyConfig();
    let migrated: Record<string, unknown>;
    try {
      migrated = migrate(raw as Record<string, unknown>).config;
    } catch (error) {
      if (error instanceof UnsupportedConfigVersionError) throw new ConfigError(this.path, [error.message]);
      throw error;
    }
    const result = configSchema.safeParse(migrated);
    if (!result.success) throw new ConfigError(this.path, describeIssues(result.error));
    return result.data;
  }

  /** Validates and writes atomically. The current file must itself be valid (a broken file is never overwritten). */
  save(config: Config): Config {
    const conf = this.conf();
    this.parse(conf.store); // refuses if the file on disk is broken
    const result = configSchema.safeParse(config);
    if (!result.success) throw new ConfigError(this.path, describeIssues(result.error));
    conf.store = result.data as unknown as Record<string, unknown>;
    return result.data;
  }

  /** Load, change, validate, write: the only way the CLI and API edit the file. */
  update(change: (config: Config) => Config): Config {
    return this.save(change(structuredClone(this.load())));
  }
}
