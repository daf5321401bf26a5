import { startServiceProcess, type ServiceProcess } from '../helpers/service-process.js';
import type { FaultWorld } from './fault-world.js';

/**
 * What the scale-out fault tests share: service processes on the world's config (each remembered in
 * `running`, to be stopped at the end), and the cloud's side watched for the cap and duplicate starts.
 */
export function serviceStarter(w: FaultWorld, running: ServiceProcess[]): () => Promise<ServiceProcess> {
  return async () => {
    const service = await startServiceProcess({
      configPath: w.configPath,
      entry: 'bundle',
      env: { AWS_ENDPOINT_URL_EC2: w.ec2.url, AWS_REGION: 'us-east-1' },
    });
    running.push(service);
    return service;
  };
}

/** Counts, every 50 ms, the moments more of these EC2 instances were on than the cap. */
export function watchCap(w: FaultWorld, instanceIds: readonly string[], cap: number) {
  let overCap = 0;
  const timer = setInterval(() => {
    const on = instanceIds.filter((id) =>
      ['pending', 'running'].includes(w.ec2.world.get(id)?.state ?? ''),
    ).length;
    if (on > cap) overCap++;
  }, 50);
  return {
    overCap: () => overCap,
    stop: () => clearInterval(timer),
  };
}

/** StartInstances calls, and those of an instance already started with no stop between. */
export function startsAndDuplicates(w: FaultWorld, instanceIds: readonly string[]) {
  let starts = 0;
  let duplicates = 0;
  for (const instance of instanceIds) {
    let on = false;
    for (const call of w.ec2.world.calls.filter((c) => c.instanceIds.includes(instance))) {
      if (call.action === 'StartInstances') {
        starts++;
        if (on) duplicates++;
        on = true;
      } else if (call.action === 'StopInstances') on = false;
    }
  }
  return { starts, duplicates };
}
