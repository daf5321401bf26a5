import type { HostConfig, RunnerConfig } from '../../config/schema.js';

/** A host as printed: secret references are replaced by "stored in keychain" flags. */
export function publicHost(host: HostConfig): Record<string, unknown> {
  const { password, aws, azure, ...rest } = host;
  return {
    ...rest,
    hasPassword: Boolean(password),
    ...(aws && {
      aws: { ...aws, secretAccessKey: undefined, hasSecretAccessKey: Boolean(aws.secretAccessKey) },
    }),
    ...(azure && {
      azure: { ...azure, clientSecret: undefined, hasClientSecret: Boolean(azure.clientSecret) },
    }),
  };
}

export function publicRunner(runner: RunnerConfig): Record<string, unknown> {
  const { password, ...rest } = runner;
  return { ...rest, hasOwnPassword: Boolean(password) };
}
