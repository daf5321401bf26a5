import { ComputeManagementClient } from '@azure/arm-compute';
import { ResourceManagementClient } from '@azure/arm-resources';
import type { TokenCredential } from '@azure/core-auth';
import { z } from 'zod';
import type { HostConfig } from '../../config/schema.js';
import type {
  HostPower,
  PowerDriver,
  PowerErrorKind,
  PowerObservation,
  PowerReadError,
  PowerResult,
  PowerState,
} from '../../core/power-driver.js';
import type { SecretStore } from '../../secrets/secret-store.js';
import { createAzureCredential, credentialKey } from './azure-credentials.js';
import { azureErrorCode, azureErrorKind, azureRetryAfterMs } from './azure-vm-errors.js';
import { MANAGED_TAG, failed, messageOf, ok, unknownHost } from './power-results.js';

type AzureSettings = NonNullable<HostConfig['azure']>;

export interface AzureDriverOptions {
  /** Where `auth: client-secret` secrets are read (by ref). */
  secrets: SecretStore;
  /** Pipeline retries after 429 (honouring Retry-After) and 5xx. Bounds a throttling storm. Default 3. */
  maxRetries?: number;
  /** Poll interval of long-running operations when Azure sends no Retry-After. Default 5 s. */
  pollIntervalMs?: number;
  /** How long start, deallocate and tagging may run before the result is 'timeout'. Default 5 min. */
  operationTimeoutMs?: number;
  /** Suggested wait after throttling when Azure sends no Retry-After. Default 30 s. */
  throttledRetryAfterMs?: number;
}

/**
 * A hibernating deallocate that Azure refused for the hibernation itself (not enabled on the VM, the
 * OS not ready, an operation that conflicts): the VM is deallocated instead.
 */
const HIBERNATE_REFUSALS = new Set(['incorrect-state', 'other']);

/** What we read of a VM; every ARM answer is validated before use. */
const vmSchema = z.object({
  id: z.string().optional(),
  name: z.string().optional(),
  tags: z.record(z.string(), z.string()).optional(),
  additionalCapabilities: z.object({ hibernationEnabled: z.boolean().optional() }).optional(),
  instanceView: z
    .object({ statuses: z.array(z.object({ code: z.string().optional() })).optional() })
    .optional(),
});
type Vm = z.infer<typeof vmSchema>;

const azureStates: Record<string, PowerState> = {
  'PowerState/starting': 'starting',
  'PowerState/running': 'on',
  'PowerState/stopping': 'stopping',
  'PowerState/deallocating': 'stopping',
  // Stopped without deallocating: off, but Azure still bills the compute. stop() deallocates it.
  'PowerState/stopped': 'off',
  'PowerState/deallocated': 'off',
  'PowerState/hibernated': 'off',
};

function powerCode(vm: Vm): string | undefined {
  const codes = (vm.instanceView?.statuses ?? []).map((status) => status.code ?? '');
  if (codes.includes('ProvisioningState/deleting')) return 'ProvisioningState/deleting';
  return codes.find((code) => code.startsWith('PowerState/'));
}

export function azurePowerState(code: string | undefined): PowerState {
  if (code === 'ProvisioningState/deleting') return 'gone';
  return (code && azureStates[code]) || 'unknown';
}

function isManaged(vm: Vm): boolean {
  return vm.tags?.[MANAGED_TAG] === 'true';
}

function settingsOf(host: HostConfig): AzureSettings {
  if (!host.azure) throw new Error(`host ${host.id} has no azure settings`);
  return host.azure;
}

/** `/subscriptions/s/resourceGroups/RG/providers/.../virtualMachines/NAME` → `rg/name`. */
function vmKeyFromId(id: string | undefined): string | undefined {
  const match = /\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Compute\/virtualMachines\/([^/]+)$/i.exec(
    id ?? '',
  );
  return match ? `${match[1]}/${match[2]}`.toLowerCase() : undefined;
}
/** The VM's resource id without the leading slash, as the Tags API's `scope` wants it. */
const vmScope = (azure: AzureSettings) =>
  `subscriptions/${azure.subscriptionId}/resourceGroups/${azure.resourceGroup}/providers/Microsoft.Compute/virtualMachines/${azure.vmName}`;
const hostVmKey = (azure: AzureSettings) => `${azure.resourceGroup}/${azure.vmName}`.toLowerCase();

interface ArmClient {
  compute: ComputeManagementClient;
  /** For the Tags API: a merge of one tag needs only Microsoft.Resources/tags/write, not VM write. */
  resources: ResourceManagementClient;
  /** HTTP requests sent, retries included (counted after the retry policies). */
  requests: { count: number };
}

export class AzureVmPowerDriver implements PowerDriver {
  readonly protocol = 'azure-vm' as const;
  private readonly credentials = new Map<string, TokenCredential>();
  private readonly clients = new Map<string, ArmClient>();

  constructor(private readonly options: AzureDriverOptions) {}

  async observe(hosts: readonly HostConfig[]): Promise<PowerObservation> {
    const observation: PowerObservation = { hosts: new Map(), calls: 0, problems: [] };
    const groups = new Map<string, HostConfig[]>();
    for (const host of hosts) {
      if (!host.azure) {
        observation.hosts.set(host.id, unknownHost(host.id, 'no azure settings'));
        continue;
      }
      const key = this.clientKey(host.azure);
      groups.set(key, [...(groups.get(key) ?? []), host]);
    }
    await Promise.all([...groups.values()].map((group) => this.observeGroup(group, observation)));
    return observation;
  }

  /**
   * One subscription: its VMs' power states in one list (statusOnly=true, paged), and tags from one
   * list per resource group (statusOnly answers carry the run-time status, not the model's tags).
   */
  private async observeGroup(group: HostConfig[], observation: PowerObservation): Promise<void> {
    const first = settingsOf(group[0]!);
    let client: ArmClient;
    try {
      // Observe has its own client, so the request count is this observation's alone.
      client = this.clientFor(first, 'observe');
    } catch (error) {
      const message = `Azure subscription ${first.subscriptionId}: ${messageOf(error)}`;
      observation.problems.push(message);
      const readError = { kind: azureErrorKind(error), message };
      for (const host of group)
        observation.hosts.set(host.id, unknownHost(host.id, 'Azure client could not be made', readError));
      return;
    }
    const before = client.requests.count;
    const statuses = new Map<string, Vm>();
    const tags = new Map<string, Vm>();
    const unread = new Map<string, PowerReadError>();
    let statusProblem: string | undefined;
    let statusKind: PowerErrorKind = 'other';
    try {
      for await (const page of client.compute.virtualMachines.listAll({ statusOnly: 'true' }).byPage())
        for (const item of page) {
          const vm = vmSchema.parse(item);
          const key = vmKeyFromId(vm.id);
          if (key) statuses.set(key, vm);
        }
    } catch (error) {
      statusProblem = `${azureErrorCode(error)}: ${messageOf(error)}`;
      statusKind = azureErrorKind(error);
    }
    if (statusProblem && /AuthorizationFailed/.test(statusProblem)) {
      // A role scoped to resource groups cannot list the subscription: read each VM instead (N calls).
      observation.problems.push(
        `Azure subscription ${first.subscriptionId}: listing VMs subscription-wide is not allowed, reading ${group.length} VM(s) one by one; grant Microsoft.Compute/virtualMachines/read on the subscription to observe in one call`,
      );
      statusProblem = undefined;
      await this.readEach(client, group, statuses, tags, unread);
      // Each unread VM's error is on its host (HostPower.error).
    } else if (!statusProblem) {
      for (const resourceGroup of new Set(
        group.map((host) => settingsOf(host).resourceGroup.toLowerCase()),
      )) {
        try {
          for await (const page of client.compute.virtualMachines.list(resourceGroup).byPage())
            for (const item of page) {
              const vm = vmSchema.parse(item);
              const key = vmKeyFromId(vm.id);
              if (key) tags.set(key, vm);
            }
        } catch (error) {
          observation.problems.push(
            `Azure resource group ${resourceGroup}: tags not read (${azureErrorCode(error)}: ${messageOf(error)}); its VMs count as unmanaged`,
          );
        }
      }
    }
    if (statusProblem)
      observation.problems.push(`Azure subscription ${first.subscriptionId}: ${statusProblem}`);
    observation.calls += client.requests.count - before;
    for (const host of group) {
      const key = hostVmKey(settingsOf(host));
      const status = statuses.get(key);
      const readError = statusProblem
        ? { kind: statusKind, message: `Azure subscription ${first.subscriptionId}: ${statusProblem}` }
        : unread.get(key);
      if (readError)
        observation.hosts.set(host.id, unknownHost(host.id, 'Azure state could not be read', readError));
      else if (!status)
        observation.hosts.set(host.id, {
          hostId: host.id,
          state: 'gone',
          managed: false,
          detail: 'VM not found',
        });
      else observation.hosts.set(host.id, this.hostPower(host, status, tags.get(key)));
    }
  }

  private async readEach(
    client: ArmClient,
    group: HostConfig[],
    statuses: Map<string, Vm>,
    tags: Map<string, Vm>,
    unread: Map<string, PowerReadError>,
  ) {
    const queue = [...group];
    const worker = async () => {
      for (let host = queue.shift(); host; host = queue.shift()) {
        const azure = settingsOf(host);
        try {
          const vm = await this.getVm(client, azure);
          if (vm) {
            statuses.set(hostVmKey(azure), vm);
            tags.set(hostVmKey(azure), vm);
          }
        } catch (error) {
          // Not read is not gone: this host stays unknown.
          unread.set(hostVmKey(azure), {
            kind: azureErrorKind(error),
            message: `${azureErrorCode(error)}: ${messageOf(error)}`,
          });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(8, group.length) }, worker));
  }

  private hostPower(host: HostConfig, status: Vm, tagged: Vm | undefined): HostPower {
    const code = powerCode(status);
    const state = azurePowerState(code);
    return {
      hostId: host.id,
      state,
      managed: isManaged(tagged ?? status),
      detail:
        code === 'PowerState/stopped'
          ? 'PowerState/stopped (still billed: not deallocated)'
          : (code ?? 'unknown'),
    };
  }

  async start(host: HostConfig): Promise<PowerResult> {
    if (!host.azure) return failed('other', `host ${host.id} has no azure settings`);
    const azure = host.azure;
    try {
      const client = this.clientFor(azure, 'act');
      const vm = await this.getVm(client, azure);
      if (!vm)
        return failed('not-found', `VM ${azure.vmName} not found in resource group ${azure.resourceGroup}`);
      const state = azurePowerState(powerCode(vm));
      if (state === 'on') return ok('already running');
      if (state === 'gone') return failed('not-found', `VM ${azure.vmName} is being deleted`);
      // Tag before starting, now that we know it is not running: a VM we start is never left untagged.
      // Merge touches only our tag, atomically: no read-modify-write race with other tags.
      if (!isManaged(vm)) {
        const poller = await client.resources.tagsOperations.beginUpdateAtScope(
          vmScope(azure),
          { operation: 'Merge', properties: { tags: { [MANAGED_TAG]: 'true' } } },
          this.lroOptions(),
        );
        await poller.pollUntilDone({ abortSignal: AbortSignal.timeout(this.timeoutMs()) });
      }
      const poller = await client.compute.virtualMachines.beginStart(
        azure.resourceGroup,
        azure.vmName,
        this.lroOptions(),
      );
      await poller.pollUntilDone({ abortSignal: AbortSignal.timeout(this.timeoutMs()) });
      return ok('running');
    } catch (error) {
      return this.failure(error, 'start');
    }
  }

  /** Powers off by deallocating: a VM that is only stopped keeps its compute reserved and billed. */
  async stop(host: HostConfig): Promise<PowerResult> {
    if (!host.azure) return failed('other', `host ${host.id} has no azure settings`);
    const azure = host.azure;
    try {
      const client = this.clientFor(azure, 'act');
      // Look again just before a destructive action: state and ownership may have changed since observe.
      const vm = await this.getVm(client, azure);
      if (!vm) return ok('VM not found: nothing to stop');
      const code = powerCode(vm);
      if (
        code === 'PowerState/deallocated' ||
        code === 'PowerState/deallocating' ||
        azurePowerState(code) === 'gone'
      )
        return ok(`already ${code?.split('/')[1] ?? 'gone'}`);
      if (!isManaged(vm) && !host.powerOffUnmanaged)
        return failed(
          'not-managed',
          `VM ${azure.vmName} has no ${MANAGED_TAG}=true tag: Session Manager did not start it, so it will not stop it (set powerOffUnmanaged on host ${host.id} to allow)`,
        );
      let refused: string | undefined;
      if (vm.additionalCapabilities?.hibernationEnabled) {
        try {
          await this.deallocate(client, azure, true);
          return { ok: true, detail: 'hibernated', hibernated: true };
        } catch (error) {
          // Only a refusal of hibernation itself falls back; throttling, auth or network fail the stop.
          if (!HIBERNATE_REFUSALS.has(azureErrorKind(error))) throw error;
          refused = `${azureErrorCode(error)}: ${messageOf(error)}`;
        }
      }
      await this.deallocate(client, azure, false);
      return { ok: true, detail: 'deallocated', ...(refused && { hibernateRefused: refused }) };
    } catch (error) {
      return this.failure(error, 'stop');
    }
  }

  private async deallocate(client: ArmClient, azure: AzureSettings, hibernate: boolean): Promise<void> {
    const poller = await client.compute.virtualMachines.beginDeallocate(azure.resourceGroup, azure.vmName, {
      ...this.lroOptions(),
      ...(hibernate && { hibernate: true }),
    });
    await poller.pollUntilDone({ abortSignal: AbortSignal.timeout(this.timeoutMs()) });
  }

  /** The VM with tags and instance view; undefined when ARM says it does not exist. */
  private async getVm(client: ArmClient, azure: AzureSettings): Promise<Vm | undefined> {
    try {
      return vmSchema.parse(
        await client.compute.virtualMachines.get(azure.resourceGroup, azure.vmName, {
          expand: 'instanceView',
        }),
      );
    } catch (error) {
      if (azureErrorKind(error) === 'not-found') return undefined;
      throw error;
    }
  }

  private lroOptions(): { updateIntervalInMs: number } {
    return { updateIntervalInMs: this.options.pollIntervalMs ?? 5_000 };
  }

  private timeoutMs(): number {
    return this.options.operationTimeoutMs ?? 300_000;
  }

  private failure(error: unknown, verb: 'start' | 'stop'): PowerResult {
    const kind = azureErrorKind(error);
    const code = azureErrorCode(error);
    if (kind === 'timeout')
      return failed(
        'timeout',
        `${verb === 'start' ? 'start' : 'deallocate'} did not finish within ${this.timeoutMs()} ms; it may still complete in Azure, and the next observation shows the VM's state`,
      );
    const retryAfterMs =
      kind === 'throttled'
        ? (azureRetryAfterMs(error) ?? this.options.throttledRetryAfterMs ?? 30_000)
        : undefined;
    return failed(kind, `${code}: ${messageOf(error)}`, retryAfterMs);
  }

  private clientKey(azure: AzureSettings): string {
    return `${credentialKey(azure)}|${azure.subscriptionId}|${azure.armEndpoint ?? ''}`;
  }

  private clientFor(azure: AzureSettings, use: 'observe' | 'act'): ArmClient {
    const key = `${use}|${this.clientKey(azure)}`;
    let client = this.clients.get(key);
    if (!client) {
      const credentialId = credentialKey(azure);
      let credential = this.credentials.get(credentialId);
      if (!credential) {
        credential = createAzureCredential(azure, this.options.secrets);
        this.credentials.set(credentialId, credential);
      }
      const requests = { count: 0 };
      // armEndpoint (sovereign clouds): the SDKs derive the token audience from it (`${endpoint}/.default`).
      const options = {
        ...(azure.armEndpoint ? { endpoint: azure.armEndpoint } : {}),
        retryOptions: { maxRetries: this.options.maxRetries ?? 3 },
      };
      const compute = new ComputeManagementClient(credential, azure.subscriptionId, options);
      const resources = new ResourceManagementClient(credential, azure.subscriptionId, options);
      for (const sdk of [compute, resources])
        sdk.pipeline.addPolicy(
          {
            name: 'session-manager-count-requests',
            sendRequest: (request, next) => {
              requests.count++;
              return next(request);
            },
          },
          { afterPhase: 'Retry' },
        );
      client = { compute, resources, requests };
      this.clients.set(key, client);
    }
    return client;
  }
}
