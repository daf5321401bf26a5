import type { Clock } from '../ec2/world.js';

/** The fake Azure's state: VMs whose power state moves with (injected) time, operations, failures to inject. */

export type AzurePower = 'starting' | 'running' | 'stopping' | 'stopped' | 'deallocating' | 'deallocated';

export interface FakeVm {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  power: AzurePower;
  tags: Record<string, string>;
  settlesAt?: number;
  /** additionalCapabilities.hibernationEnabled: a deallocate may hibernate it. */
  hibernationEnabled?: boolean;
  /** Its last deallocate hibernated it. */
  hibernated?: boolean;
}

export interface FakeOperation {
  id: string;
  vm: FakeVm;
  kind: 'start' | 'deallocate';
  /** A deallocate with hibernate=true. */
  hibernate?: boolean;
  doneAt: number;
  /** Set when the operation ends in failure (e.g. AllocationFailed). */
  error?: { code: string; message: string };
  /** Never finishes (for LRO timeouts). */
  hang?: boolean;
}

export interface AzureFailure {
  /** 'list' | 'listAll' | 'get' | 'start' | 'deallocate' | 'update' | 'token' | '*' */
  operation: string;
  /** An HTTP failure (e.g. 429 TooManyRequests), or an operation that fails while polled (status 0). */
  status: number;
  code: string;
  message?: string;
  remaining: number;
  retryAfterMs?: number;
}

export interface AzureCall {
  operation: string;
  method: string;
  path: string;
  at: number;
  status: number;
}

const settled: Partial<Record<AzurePower, AzurePower>> = {
  starting: 'running',
  stopping: 'stopped',
  deallocating: 'deallocated',
};

export function vmKey(subscriptionId: string, resourceGroup: string, name: string): string {
  return `${subscriptionId}/${resourceGroup}/${name}`.toLowerCase();
}

export class AzureWorld {
  readonly vms = new Map<string, FakeVm>();
  readonly operations = new Map<string, FakeOperation>();
  readonly calls: AzureCall[] = [];
  failures: AzureFailure[] = [];
  readonly clock: Clock;
  transitionMs: number;
  /** How long start and deallocate operations run; when one succeeds its VM reaches its final state. */
  operationMs: number | undefined;
  /** Operations never finish (LRO timeout tests). */
  hangOperations = false;
  /** A principal whose role is scoped to resource groups: subscription-wide lists answer 403. */
  denySubscriptionList = false;
  /** Page size of VM lists (nextLink beyond). */
  pageSize = 1000;

  constructor(options: { clock?: Clock; transitionMs?: number; operationMs?: number } = {}) {
    this.clock = options.clock ?? { now: () => Date.now() };
    this.transitionMs = options.transitionMs ?? 5_000;
    this.operationMs = options.operationMs;
  }

  addVm(
    vm: Omit<FakeVm, 'tags' | 'location'> & { tags?: Record<string, string>; location?: string },
  ): FakeVm {
    const created: FakeVm = { location: 'westeurope', ...vm, tags: { ...(vm.tags ?? {}) } };
    if (settled[created.power]) created.settlesAt = this.clock.now() + this.transitionMs;
    this.vms.set(vmKey(vm.subscriptionId, vm.resourceGroup, vm.name), created);
    return created;
  }

  get(subscriptionId: string, resourceGroup: string, name: string): FakeVm | undefined {
    const vm = this.vms.get(vmKey(subscriptionId, resourceGroup, name));
    if (vm) this.settle(vm);
    return vm;
  }

  all(): FakeVm[] {
    for (const vm of this.vms.values()) this.settle(vm);
    return [...this.vms.values()];
  }

  private settle(vm: FakeVm): void {
    const next = settled[vm.power];
    if (next && vm.settlesAt !== undefined && this.clock.now() >= vm.settlesAt) {
      vm.power = next;
      delete vm.settlesAt;
    }
  }

  setPower(vm: FakeVm, power: AzurePower): void {
    vm.power = power;
    if (settled[power]) vm.settlesAt = this.clock.now() + this.transitionMs;
    else delete vm.settlesAt;
  }

  fail(failure: Omit<AzureFailure, 'remaining'> & { times?: number }): void {
    this.failures.push({ ...failure, remaining: failure.times ?? 1 });
  }

  /** '*' failures hit every ARM request, not the token endpoints (those fail only when named). */
  takeFailure(operation: string, polled = false): AzureFailure | undefined {
    const failure = this.failures.find(
      (item) =>
        item.remaining > 0 &&
        (item.operation === operation || (item.operation === '*' && operation !== 'token')) &&
        (item.status === 0) === polled,
    );
    if (failure) failure.remaining -= 1;
    return failure;
  }

  callCount(operation?: string): number {
    return operation ? this.calls.filter((call) => call.operation === operation).length : this.calls.length;
  }
}
