import { domainSchema } from '../../config/schema.js';
import type { Field } from '../fields.js';

/** The optional Windows domain of a session user, asked the same way for hosts and runners. */
export function windowsDomainField<Draft>(when?: (draft: Draft) => boolean): Field<Draft> {
  return {
    path: ['domain'],
    option: 'domain',
    label: 'Windows domain',
    kind: 'text',
    schema: domainSchema,
    optional: true,
    ...(when ? { when } : {}),
  };
}
