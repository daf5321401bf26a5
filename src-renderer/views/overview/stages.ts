import type { HostView } from '../../../src-main/core/state.js';

/** The boot stages as a progress bar: powering on → RDP answering → logged in → runner online. */

export const bootStages = [
  { stage: 'powering-on', label: 'Powering on' },
  { stage: 'rdp-answering', label: 'RDP answering' },
  { stage: 'logged-in', label: 'Logged in' },
  { stage: 'runner-online', label: 'Runner online' },
] as const;

interface StageProgress {
  /** 0 (off) … 4 (runner online). */
  reached: number;
  label: string;
  color: string;
  booting: boolean;
}

export function stageProgress(host: HostView): StageProgress {
  const index = bootStages.findIndex((s) => s.stage === host.stage);
  if (index >= 0) {
    const reached = index + 1;
    const done = reached === bootStages.length;
    return { reached, label: bootStages[index]!.label, color: done ? 'green' : 'blue', booting: !done };
  }
  switch (host.stage) {
    case 'stopping':
      return { reached: 0, label: 'Stopping', color: 'orange', booting: false };
    case 'failed':
      return { reached: 0, label: 'Failed', color: 'red', booting: false };
    default:
      return { reached: 0, label: 'Off', color: 'gray', booting: false };
  }
}

export const powerColor: Record<HostView['power'], string> = {
  on: 'green',
  starting: 'yellow',
  stopping: 'orange',
  off: 'gray',
  gone: 'dark',
  unknown: 'gray',
};

export const protocolLabel: Record<HostView['protocol'], string> = {
  rdp: 'RDP',
  'aws-ec2': 'AWS EC2',
  'azure-vm': 'Azure VM',
};
