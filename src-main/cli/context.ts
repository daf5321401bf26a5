import type { Readable, Writable } from 'node:stream';
import { ConfigStore, resolveConfigPath } from '../config/config-store.js';
import { openCliSecretStore } from '../secrets/open-secret-store.js';
import type { SecretStore } from '../secrets/secret-store.js';

export interface CliIO {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  /** True when a person is at a terminal: then commands prompt for what flags did not give. */
  interactive: boolean;
  env: NodeJS.ProcessEnv;
}

/** What every command gets: its streams, the config file chosen by --config / SESSION_MANAGER_CONFIG, and the secret store (the keychain, or a headless server's systemd credentials). */
export interface CliContext {
  io: CliIO;
  configStore(): ConfigStore;
  secrets(): SecretStore;
  print(text: string): void;
  printJson(value: unknown): void;
  warn(text: string): void;
}

export interface CliDependencies {
  io: CliIO;
  /** Replaced only in tests that are not about the keychain. */
  secrets?: SecretStore;
}

export function createContext(deps: CliDependencies, getConfigFlag: () => string | undefined): CliContext {
  let secrets = deps.secrets;
  return {
    io: deps.io,
    configStore: () => new ConfigStore(resolveConfigPath(getConfigFlag(), deps.io.env)),
    secrets: () => (secrets ??= openCliSecretStore(deps.io.env)),
    print: (text) => deps.io.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    printJson: (value) => deps.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`),
    warn: (text) => deps.io.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  };
}
