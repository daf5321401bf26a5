import { describe, expect, it } from 'vitest';
import { hostInputSchema } from '../../../src-main/api/config-schemas.js';
import {
  draftOf,
  emptyDraft,
  stepOfField,
  toHostInput,
  toHostPatch,
  validateAll,
  validateStep,
  type HostDraft,
} from '../../../src-renderer/views/host-wizard/wizard-model.js';

function ec2Draft(change: (d: HostDraft) => void = () => {}): HostDraft {
  const draft = emptyDraft();
  draft.protocol = 'aws-ec2';
  draft.id = 'bot-01';
  draft.address = '10.0.0.5';
  draft.user = 'botuser';
  draft.password = 'pw';
  draft.aws.instanceId = 'i-0123456789abcdef0';
  draft.aws.region = 'eu-west-1';
  change(draft);
  return draft;
}

describe('host wizard model', () => {
  it('builds a host input that the API schema accepts, with only the chosen protocol settings', () => {
    const input = toHostInput(ec2Draft((d) => (d.azure.vmName = 'ignored')));
    expect(hostInputSchema.safeParse(input).success).toBe(true);
    expect(input).toEqual({
      id: 'bot-01',
      address: '10.0.0.5',
      protocol: 'aws-ec2',
      maxSessions: 1,
      user: 'botuser',
      password: 'pw',
      aws: {
        instanceId: 'i-0123456789abcdef0',
        region: 'eu-west-1',
        credentials: 'default',
        addressFrom: 'config',
      },
    });
  });

  it('carries an hourly price, and refuses a negative one on the connection step', () => {
    expect(toHostInput(ec2Draft((d) => (d.hourlyPrice = 0.5)))).toMatchObject({ hourlyPrice: 0.5 });
    expect(toHostInput(ec2Draft())).not.toHaveProperty('hourlyPrice');
    expect(
      validateStep(
        'connection',
        ec2Draft((d) => (d.hourlyPrice = -1)),
      ),
    ).toHaveProperty('hourlyPrice');
  });

  it('shows each step only its own fields, with the schema messages', () => {
    const draft = ec2Draft((d) => {
      d.aws.instanceId = 'i-123';
      d.user = '';
    });
    expect(validateStep('connection', draft)).toEqual({
      'aws.instanceId': 'an EC2 instance id like i-0123456789abcdef0',
    });
    expect(Object.keys(validateStep('credentials', draft))).toEqual(['user']);
    expect(validateStep('protocol', draft)).toEqual({});
  });

  it('applies the cross-field rules on the step that owns the field they name', () => {
    const draft = ec2Draft((d) => (d.aws.credentials = 'keychain'));
    expect(validateStep('credentials', draft)).toEqual({
      'aws.accessKeyId': 'keychain credentials need an access key id and secret',
    });
    draft.aws.accessKeyId = 'AKIAIOSFODNN7EXAMPLE';
    draft.aws.secretAccessKey = 'secret';
    expect(validateStep('credentials', draft)).toEqual({});
    expect(stepOfField('aws.accessKeyId', draft)).toBe('credentials');
  });

  it('checks runners to attach: their ids, sizes, and ids already taken', () => {
    const draft = ec2Draft((d) => {
      d.runners = [
        { id: 'fin-01', sessionMode: 'rdp', width: 1920, height: 1080 },
        { id: 'fin-01', sessionMode: 'rdp', width: 100, height: 1080 },
        { id: 'old', sessionMode: 'console', width: 1920, height: 1080 },
      ];
    });
    const errors = validateStep('runners', draft, undefined, ['old']);
    expect(errors['runners.1.id']).toBe('a runner "fin-01" already exists');
    expect(errors['runners.1.width']).toMatch(/640/);
    expect(errors['runners.2.id']).toBe('a runner "old" already exists');
    expect(errors['runners.0.id']).toBeUndefined();
  });

  it('edits without re-entering stored secrets, and removes cleared optionals', () => {
    const { draft, stored } = draftOf({
      id: 'bot-01',
      address: '10.0.0.5',
      protocol: 'aws-ec2',
      maxSessions: 1,
      user: 'botuser',
      domain: 'CORP',
      hourlyPrice: 0.42,
      powerOffUnmanaged: false,
      hasPassword: true,
      aws: {
        instanceId: 'i-0123456789abcdef0',
        credentials: 'keychain',
        accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
        addressFrom: 'config',
        hasSecretAccessKey: true,
      },
    });
    expect(draft.password).toBe('');
    expect(draft.hourlyPrice).toBe(0.42);
    expect(validateAll(draft, stored)).toEqual({});
    draft.domain = '';
    draft.hourlyPrice = '';
    const patch = toHostPatch(draft, stored) as Record<string, unknown>;
    expect(patch).not.toHaveProperty('password');
    expect(patch.domain).toBeNull();
    expect(patch.hourlyPrice).toBeNull();
    expect(patch.aws).not.toHaveProperty('secretAccessKey');
    expect(patch.azure).toBeNull();
    // A new host needs its password.
    expect(validateAll({ ...draft, password: '' })).toHaveProperty('password');
  });
});
