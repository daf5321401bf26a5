import { z } from 'zod';
import {
  apiSchema,
  appSchema,
  awsSchema,
  azureSchema,
  coordinationSchema,
  emailSchema,
  historySchema,
  hostSchema,
  idSchema,
  notificationsSchema,
  orchestratorSchema,
  policySchema,
  runnerSchema,
  webhookSchema,
  webhookUrlSchema,
} from '../config/schema.js';

/**
 * What the API accepts and returns for hosts, runners and settings, derived from the config schema so
 * the rules live in one place. Writes carry secrets as plain values (they go to the keychain); replies
 * carry only `has…` flags.
 */

const plainSecretSchema = z.string().min(1, 'must not be empty').max(4096, 'at most 4096 characters');

// ---- writes -------------------------------------------------------------------------------------

const awsInputSchema = awsSchema.extend({ secretAccessKey: plainSecretSchema.optional() }).strict();
const azureInputSchema = azureSchema.extend({ clientSecret: plainSecretSchema.optional() }).strict();

/** A new host: the config's host with `password` (and cloud secrets) as plain values. */
export const hostInputSchema = hostSchema
  .safeExtend({
    password: plainSecretSchema,
    aws: awsInputSchema.optional(),
    azure: azureInputSchema.optional(),
  })
  .strict();

export const runnerInputSchema = runnerSchema.extend({ password: plainSecretSchema.optional() }).strict();

type Shape = Record<string, z.ZodType>;

/** Peels defaults and optionality, so a patch never fills in a default over a stored value. */
function bare(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    if (current instanceof z.ZodDefault) current = current.removeDefault() as z.ZodType;
    else if (current instanceof z.ZodOptional) current = current.unwrap() as z.ZodType;
    else return current;
  }
}

/**
 * A patch of an object: every field optional, `null` removes an optional field, nested objects are
 * patches themselves (arrays are replaced whole). Cross-field rules run later, on the merged result.
 */
function patchOf(shape: Shape): z.ZodObject<Shape> {
  const fields: Shape = {};
  for (const [key, field] of Object.entries(shape)) {
    const inner = bare(field);
    fields[key] = (inner instanceof z.ZodObject ? patchOf(inner.shape as Shape) : inner)
      .nullable()
      .optional();
  }
  return z.strictObject(fields);
}

type Plain<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]: T[K] } : T;
/** The type of a patch of T (what `patchOf` accepts). */
type DeepPatch<T> = {
  [K in keyof T]?:
    | (NonNullable<T[K]> extends readonly unknown[]
        ? T[K]
        : NonNullable<T[K]> extends object
          ? DeepPatch<Plain<NonNullable<T[K]>>>
          : T[K])
    | null;
};

function typedPatch<T>(shape: Shape, keyField?: 'id'): z.ZodType<T> {
  const patch = patchOf(shape);
  return (keyField ? patch.extend({ [keyField]: idSchema }) : patch) as unknown as z.ZodType<T>;
}

/** editHost: the id names the host (it cannot change); the other fields are a patch. */
export const hostPatchSchema = typedPatch<{ id: string } & DeepPatch<Omit<HostInput, 'id'>>>(
  {
    ...hostSchema.shape,
    id: idSchema,
    password: plainSecretSchema,
    aws: awsSchema.extend({ secretAccessKey: plainSecretSchema }),
    azure: azureSchema.extend({ clientSecret: plainSecretSchema }),
  },
  'id',
);

export const runnerPatchSchema = typedPatch<{ id: string } & DeepPatch<Omit<RunnerInput, 'id'>>>(
  { ...runnerSchema.shape, password: plainSecretSchema },
  'id',
);

const settingsWriteShape = {
  orchestrator: orchestratorSchema.extend({ key: plainSecretSchema }),
  policy: policySchema,
  notifications: notificationsSchema.extend({
    email: emailSchema.extend({ password: plainSecretSchema }),
    webhook: webhookSchema.extend({ url: webhookUrlSchema }),
  }),
  api: apiSchema,
  app: appSchema,
  history: historySchema,
  coordination: coordinationSchema.extend({
    postgres: coordinationSchema.shape.postgres.extend({ password: plainSecretSchema }),
  }),
};

/** updateSettings: everything in the config but hosts and runners, as a patch. */
export const settingsPatchSchema =
  typedPatch<DeepPatch<{ [K in keyof typeof settingsWriteShape]: z.input<(typeof settingsWriteShape)[K]> }>>(
    settingsWriteShape,
  );

// ---- replies ------------------------------------------------------------------------------------

export const hostReplySchema = z.object({
  ...hostSchema.shape,
  password: z.never().optional(),
  hasPassword: z.boolean(),
  aws: z
    .object({ ...awsSchema.shape, secretAccessKey: z.never().optional(), hasSecretAccessKey: z.boolean() })
    .optional(),
  azure: z
    .object({ ...azureSchema.shape, clientSecret: z.never().optional(), hasClientSecret: z.boolean() })
    .optional(),
});

export const runnerReplySchema = z.object({
  ...runnerSchema.shape,
  password: z.never().optional(),
  hasPassword: z.boolean(),
});

export const settingsReplySchema = z.object({
  orchestrator: z
    .object({ ...orchestratorSchema.shape, key: z.never().optional(), hasKey: z.boolean() })
    .optional(),
  policy: policySchema,
  notifications: z.object({
    ...notificationsSchema.shape,
    email: z
      .object({ ...emailSchema.shape, password: z.never().optional(), hasPassword: z.boolean() })
      .optional(),
    /**
     * A webhook URL is itself a credential (Slack, Teams): it lives in the keychain and only its
     * origin is shown. `target` is absent when the keychain cannot give the URL back right now.
     */
    webhook: z
      .object({
        format: webhookSchema.shape.format,
        url: z.never().optional(),
        target: z.string().optional(),
        hasUrl: z.literal(true),
      })
      .optional(),
  }),
  api: apiSchema,
  app: appSchema,
  history: historySchema,
  coordination: z
    .object({
      ...coordinationSchema.shape,
      postgres: z.object({
        ...coordinationSchema.shape.postgres.shape,
        password: z.never().optional(),
        hasPassword: z.boolean(),
      }),
    })
    .optional(),
});

export type HostInput = z.input<typeof hostInputSchema>;
export type HostPatch = z.input<typeof hostPatchSchema>;
export type RunnerInput = z.input<typeof runnerInputSchema>;
export type RunnerPatch = z.input<typeof runnerPatchSchema>;
export type SettingsPatch = z.input<typeof settingsPatchSchema>;
export type HostReply = z.output<typeof hostReplySchema>;
export type RunnerReply = z.output<typeof runnerReplySchema>;
export type SettingsReply = z.output<typeof settingsReplySchema>;
