import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import { DebugLogger } from 'builder-util';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * electron-builder cannot run here (it downloads Electron), so its config is checked the way
 * electron-builder itself checks it before a build: loaded by its loader and validated against the
 * JSON schema it ships (app-builder-lib/scheme.json).
 */

const root = fileURLToPath(new URL('../../../', import.meta.url));
const file = path.join(root, 'electron-builder.yml');
const schema = JSON.parse(readFileSync(path.join(root, 'node_modules/app-builder-lib/scheme.json'), 'utf8'));
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a parsed YAML document
let config: Record<string, any>;

beforeAll(async () => {
  // Parsed by electron-builder's own loader (its YAML parser, its file lookup).
  config = (await getConfig(root, file, null)) as Record<string, unknown>;
});

describe('electron-builder.yml', () => {
  it('is valid against electron-builder’s JSON schema (ajv)', () => {
    const valid = validate(config);
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
    expect(valid).toBe(true);
  });

  it('passes electron-builder’s own validation (what a build runs first)', async () => {
    await expect(
      validateConfiguration(structuredClone(config), new DebugLogger(false)),
    ).resolves.toBeUndefined();
  });

  it('the schema catches a broken file (the check is not a no-op)', () => {
    expect(validate({ ...config, nsis: { oneClick: 'sometimes' } })).toBe(false);
    expect(validate({ ...config, notAnOption: true })).toBe(false);
  });

  it('builds NSIS, dmg, AppImage and deb as "Session Manager" with the session-manager binary', () => {
    const targets = (platform: string) =>
      (config[platform].target as { target: string }[]).map((entry) => entry.target);
    expect(targets('win')).toEqual(['nsis']);
    expect(targets('mac')).toEqual(['dmg']);
    expect(targets('linux')).toEqual(['AppImage', 'deb']);
    expect(config.productName).toBe('Session Manager');
    expect(config.executableName).toBe('session-manager');
    expect(config.appId).toMatch(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/);
  });

  it('ships the bundled main named by package.json, the preload, the UI and the icons', () => {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
    expect(pkg.main).toBe('dist-app/main.js');
    expect(pkg.scripts.app).toMatch(/electron \.$/);
    expect(pkg.scripts.package).toMatch(/electron-builder/);
    expect(pkg.scripts['build:preload']).toMatch(/--external:electron/);
    // The loader normalises `files` into one file set.
    expect(config.files).toEqual([
      { filter: ['package.json', 'dist-app/**', 'dist-renderer/**', 'assets/**', '!**/*.map'] },
    ]);
    for (const platform of ['win', 'mac', 'linux']) {
      const icon = path.join(root, config[platform].icon);
      expect(existsSync(icon), icon).toBe(true);
      const png = PNG.sync.read(readFileSync(icon));
      // electron-builder needs at least 512×512 for macOS and 256×256 for Windows.
      expect(Math.min(png.width, png.height)).toBeGreaterThanOrEqual(512);
    }
  });
});
