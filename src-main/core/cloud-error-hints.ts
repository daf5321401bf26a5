import type { HostConfig } from '../config/schema.js';
import type { PowerErrorKind } from './power-driver.js';

type CloudProtocol = Exclude<HostConfig['protocol'], 'rdp'>;

/** What the operator should do about a cloud error met while reading a host's power state. */
const hints: Record<PowerErrorKind, Record<CloudProtocol, string>> = {
  auth: {
    'aws-ec2':
      "AWS refused the credentials: check the host's access key (or profile / default chain) and store the key again.",
    'azure-vm':
      "Azure refused the credentials: check the host's tenant, client id and secret (or the managed identity).",
  },
  permission: {
    'aws-ec2':
      'The AWS identity is not allowed: its IAM policy must allow ec2:DescribeInstances, StartInstances, StopInstances and CreateTags (see docs/clouds.md).',
    'azure-vm':
      'The Azure identity is not allowed: give it a role with virtualMachines read, start and deallocate on the VM or its resource group.',
  },
  'not-found': {
    'aws-ec2': "The instance does not exist in that region: check the host's instance id and region.",
    'azure-vm': "The VM does not exist: check the host's subscription, resource group and VM name.",
  },
  throttled: {
    'aws-ec2': 'AWS is throttling requests: Session Manager backs off and reads again.',
    'azure-vm': 'Azure is throttling requests: Session Manager backs off and reads again.',
  },
  unreachable: {
    'aws-ec2':
      "The EC2 endpoint does not answer: check this machine's network, proxy and the endpoint in the host's settings.",
    'azure-vm': "Azure does not answer: check this machine's network and proxy.",
  },
  timeout: {
    'aws-ec2': 'EC2 did not answer in time: Session Manager reads again next tick.',
    'azure-vm': 'Azure did not answer in time: Session Manager reads again next tick.',
  },
  capacity: {
    'aws-ec2': 'AWS has no capacity for this instance type now: it is retried later.',
    'azure-vm': 'Azure has no capacity for this VM size now: it is retried later.',
  },
  'incorrect-state': {
    'aws-ec2': 'The instance is between states: it is read again next tick.',
    'azure-vm': 'The VM is between states: it is read again next tick.',
  },
  'not-managed': {
    'aws-ec2': 'Session Manager did not start this instance, so it does not stop it.',
    'azure-vm': 'Session Manager did not start this VM, so it does not stop it.',
  },
  other: {
    'aws-ec2': 'Nothing is done to the host until its state can be read; the error above says why.',
    'azure-vm': 'Nothing is done to the host until its state can be read; the error above says why.',
  },
};

export function cloudErrorHint(kind: PowerErrorKind, protocol: CloudProtocol): string {
  return hints[kind][protocol];
}
