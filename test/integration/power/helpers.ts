import { hostSchema, type HostConfig } from '../../../src-main/config/schema.js';

/** An EC2 instance id from a number: i-00000000000000001 ... */
export function instanceId(n: number): string {
  return `i-${n.toString(16).padStart(17, '0')}`;
}

export function ec2Host(
  n: number,
  aws: Partial<NonNullable<HostConfig['aws']>> = {},
  extra: Partial<HostConfig> = {},
): HostConfig {
  return hostSchema.parse({
    id: `ec2-${n}`,
    address: '10.0.0.1',
    protocol: 'aws-ec2',
    user: 'bot',
    password: `host-password:ec2-${n}`,
    aws: {
      instanceId: instanceId(n),
      region: 'eu-west-1',
      credentials: 'keychain',
      accessKeyId: 'AKIATESTKEY000000001',
      secretAccessKey: 'aws-secret:test',
      ...aws,
    },
    ...extra,
  });
}
