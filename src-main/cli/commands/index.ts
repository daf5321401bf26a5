import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { registerConfig } from './config.js';
import { registerConsole } from './console.js';
import { registerCoordination } from './coordination.js';
import { registerCost } from './cost.js';
import { registerWhatIf } from './whatif.js';
import { registerHost } from './host.js';
import { registerHostRetry } from './host-retry.js';
import { registerHostTest } from './host-test.js';
import { registerHostTrust } from './host-trust.js';
import { registerList } from './list.js';
import { registerNotifications } from './notifications.js';
import { registerOrchestrator } from './orchestrator.js';
import { registerPolicy } from './policy.js';
import { registerRun } from './run.js';
import { registerRunner } from './runner.js';
import { registerService } from './service.js';
import { registerStatus } from './status.js';

/** Each command lives in its own file and exports `register(program, ctx)`. Add new ones here. */
type RegisterCommand = (program: Command, ctx: CliContext) => void;

export const commands: RegisterCommand[] = [
  registerHost,
  registerHostTrust,
  registerHostRetry,
  registerHostTest,
  registerRunner,
  registerStatus,
  registerCost,
  registerWhatIf,
  registerList,
  registerConfig,
  registerOrchestrator,
  registerPolicy,
  registerNotifications,
  registerCoordination,
  registerRun,
  registerConsole,
  registerService,
];
