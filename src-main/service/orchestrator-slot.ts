import type { OrchestratorConfig } from '../config/schema.js';
import type { Orchestrator, OrchestratorAlert, QueueObservation } from '../core/orchestrator.js';
import { createBotCityOrchestrator } from '../orchestrators/botcity/index.js';
import type { SecretStore } from '../secrets/secret-store.js';

/**
 * The orchestrator the service talks to now. A config reload that changes the orchestrator section
 * swaps the client; without one, every observation is incomplete, so nothing is started or stopped.
 */
export class OrchestratorSlot implements Orchestrator {
  private current: Orchestrator | undefined;
  private currentKey = '';

  constructor(
    private readonly secrets: SecretStore,
    private readonly wrap: (orchestrator: Orchestrator) => Orchestrator = (o) => o,
  ) {}

  configure(config: OrchestratorConfig | undefined): void {
    const key = JSON.stringify(config ?? null);
    if (key === this.currentKey) return;
    void this.current?.close?.();
    this.currentKey = key;
    this.current = config ? this.wrap(createBotCityOrchestrator(config, this.secrets)) : undefined;
  }

  observe(now: number): Promise<QueueObservation> {
    if (!this.current)
      return Promise.resolve({
        complete: false,
        problem: 'no orchestrator is configured (session-manager orchestrator set)',
        tasks: [],
        runnersOnline: {},
        upcoming: [],
        requests: 0,
      });
    return this.current.observe(now);
  }

  async alert(alert: OrchestratorAlert): Promise<void> {
    if (!this.current) throw new Error('no orchestrator is configured');
    await this.current.alert(alert);
  }

  async close(): Promise<void> {
    await this.current?.close?.();
    this.current = undefined;
    this.currentKey = '';
  }
}
