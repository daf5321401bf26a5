import type { z } from 'zod';
import { heldElsewhere } from '../core/fleet-view.js';
import { hostSchema } from '../config/schema.js';
import type { ManagerEvent } from '../core/events.js';
import { ConfigWriter, hostSecretFields, mergePatch } from './config-writes.js';
import {
  operations,
  streams,
  type EventSubscription,
  type OperationName,
  type SessionManagerApi,
} from './contract.js';
import { ApiError, parseInput } from './errors.js';
import { exportEvents } from './event-export.js';
import { costReport, costedHosts } from '../history/cost.js';
import { NothingToReplayError } from '../history/replay-trace.js';
import { whatIf } from '../history/whatif.js';
import { filterEvents } from '../core/event-filter.js';
import { checkOrchestrator } from './orchestrator-check.js';
import type { ManagerPort } from './manager-port.js';
import { hostReply, readWebhookUrl, runnerReply, settingsReply } from './redact.js';
import { makeSecretRef } from '../secrets/secret-ref.js';

/**
 * The API's behaviour, once, over a ManagerPort. The HTTP server and the Electron IPC handlers are
 * thin transports over this object: every input is parsed here with the contract's schemas.
 */

/** The periods `getCost` and `whatIf` cover when none is given. */
const DAY_MS = 24 * 3_600_000;
const DEFAULT_COST_PERIOD_MS = 30 * DAY_MS;
const DEFAULT_WHATIF_PERIOD_MS = 7 * DAY_MS;

/** A period that ends no later than now, `length` long unless its start is given. */
function periodOf(from: number | undefined, to: number | undefined, length: number) {
  const now = Date.now();
  const end = Math.min(to ?? now, now);
  const start = from ?? end - length;
  if (start >= end)
    throw new ApiError('bad-request', 'The period must end after it starts, and not after now.');
  return { from: start, to: end };
}

type ParsedInput<K extends OperationName> = z.output<(typeof operations)[K]['input']>;

export function createSessionManagerApi(port: ManagerPort): SessionManagerApi {
  const writer = new ConfigWriter(port.configStore, port.secrets, () => port.configChanged());
  const input = <K extends OperationName>(name: K, value: unknown): ParsedInput<K> =>
    parseInput(operations[name].input as z.ZodType, value ?? {}) as ParsedInput<K>;

  return {
    async getState(value) {
      input('getState', value);
      return port.state();
    },

    async listEvents(value) {
      const { limit, ...query } = input('listEvents', value);
      return filterEvents(port.events.history(), query, limit);
    },

    async exportEvents(value) {
      const { limit, format, ...query } = input('exportEvents', value);
      return exportEvents(filterEvents(port.events.history(), query, limit), format);
    },

    subscribeEvents(value, onEvent, onError): EventSubscription {
      const { afterId } = parseInput(streams.events.input, value ?? {});
      const history = port.events.history();
      let last = afterId ?? history.at(-1)?.id ?? 0;
      let replaying = true;
      const buffered: ManagerEvent[] = [];
      const deliver = (event: ManagerEvent) => {
        if (event.id <= last) return;
        last = event.id;
        try {
          onEvent(event);
        } catch (error) {
          onError?.(error instanceof Error ? error : new Error(String(error)));
        }
      };
      // Subscribe before replaying, so nothing emitted in between is lost; ids drop duplicates.
      const unsubscribe = port.events.subscribe((event) =>
        replaying ? buffered.push(event) : deliver(event),
      );
      for (const event of port.events.history()) deliver(event);
      replaying = false;
      for (const event of buffered) deliver(event);
      return { close: unsubscribe };
    },

    async getCost(value) {
      const { from, to, by } = input('getCost', value);
      const period = periodOf(from, to, DEFAULT_COST_PERIOD_MS);
      const config = writer.load();
      return costReport(await port.history(period.from, period.to), costedHosts(config), {
        ...period,
        by,
        currency: config.history.currency,
      });
    },

    async whatIf(value) {
      const { from, to, policy } = input('whatIf', value);
      const period = periodOf(from, to, DEFAULT_WHATIF_PERIOD_MS);
      try {
        return whatIf(await port.history(period.from, period.to), writer.load(), {
          ...period,
          proposed: policy,
        });
      } catch (error) {
        if (error instanceof NothingToReplayError) throw new ApiError('conflict', error.message);
        throw error;
      }
    },

    async listHosts(value) {
      input('listHosts', value);
      return writer.load().hosts.map(hostReply);
    },
    async addHost(value) {
      return hostReply(await writer.addHost(input('addHost', value)));
    },
    async editHost(value) {
      return hostReply(await writer.editHost(input('editHost', value) as Record<string, unknown>));
    },
    async removeHost(value) {
      const { id } = input('removeHost', value);
      await writer.removeHost(id);
      return { removed: id };
    },

    async listRunners(value) {
      input('listRunners', value);
      return writer.load().runners.map(runnerReply);
    },
    async attachRunner(value) {
      return runnerReply(await writer.attachRunner(input('attachRunner', value)));
    },
    async editRunner(value) {
      return runnerReply(await writer.editRunner(input('editRunner', value) as Record<string, unknown>));
    },
    async releaseRunner(value) {
      const { id } = input('releaseRunner', value);
      await writer.releaseRunner(id);
      return { released: id };
    },

    async getSettings(value) {
      input('getSettings', value);
      const config = writer.load();
      return settingsReply(config, await readWebhookUrl(config, port.secrets));
    },
    async updateSettings(value) {
      const config = await writer.updateSettings(input('updateSettings', value) as Record<string, unknown>);
      return settingsReply(config, await readWebhookUrl(config, port.secrets));
    },

    async testHostConnection(value) {
      const request = input('testHostConnection', value);
      if (request.hostId !== undefined) {
        const host = writer.load().hosts.find((h) => h.id === request.hostId);
        if (!host) throw new ApiError('not-found', `no host with id "${request.hostId}"`);
        return port.checkHost(host, port.secrets);
      }
      // A candidate host: its plain secrets answer for the refs it would get, for this test only.
      const candidate = structuredClone(request.host!) as Record<string, unknown>;
      const plain = new Map<string, string>();
      for (const field of hostSecretFields) {
        const holder = field.path
          .slice(0, -1)
          .reduce<Record<string, unknown> | undefined>(
            (at, key) => at?.[key] as Record<string, unknown> | undefined,
            candidate,
          );
        const key = field.path.at(-1)!;
        if (typeof holder?.[key] === 'string') {
          const ref = makeSecretRef(field.kind, String(candidate.id));
          plain.set(ref, holder[key] as string);
          holder[key] = ref;
        }
      }
      const host = hostSchema.parse(mergePatch({}, candidate));
      return port.checkHost(host, { get: async (ref) => plain.get(ref) ?? (await port.secrets.get(ref)) });
    },

    async testOrchestrator(value) {
      const { timeoutSeconds } = input('testOrchestrator', value);
      const report = await checkOrchestrator(writer.load(), port.secrets, {
        timeoutMs: timeoutSeconds * 1000,
      });
      if (!report) throw new ApiError('not-found', 'no orchestrator is configured');
      return report;
    },

    async sendTestNotification(value) {
      const { sink } = input('sendTestNotification', value);
      return { results: await port.sendTestNotification(sink) };
    },

    async retryHost(value) {
      const { hostId } = input('retryHost', value);
      if (!writer.load().hosts.some((host) => host.id === hostId))
        throw new ApiError('not-found', `no host with id "${hostId}"`);
      const holder = heldElsewhere(port.state(), hostId);
      if (holder)
        throw new ApiError(
          'conflict',
          `${hostId} is held by instance ${holder}: ask that instance to retry it (it plans for the host)`,
        );
      return { retried: await port.retry([hostId]) };
    },
    async retryAllHosts(value) {
      input('retryAllHosts', value);
      const state = port.state();
      const blockedHosts = new Set(state.sessions.filter((s) => s.blocked).map((s) => s.hostId));
      // Of the hosts this instance holds (several instances: the others retry theirs).
      const needing = state.hosts.filter(
        (host) =>
          (host.failed || blockedHosts.has(host.id) || host.lastError) && !heldElsewhere(state, host.id),
      );
      return { retried: await port.retry(needing.map((host) => host.id)) };
    },

    async pause(value) {
      input('pause', value);
      await port.pause();
      return { paused: port.state().paused };
    },
    async resume(value) {
      input('resume', value);
      await port.resume();
      return { paused: port.state().paused };
    },
    async tickNow(value) {
      input('tickNow', value);
      await port.tickNow();
      return { ok: true as const };
    },

    async thumbnail(value) {
      const { sessionKey, maxWidth } = input('thumbnail', value);
      const png = await port.thumbnail(sessionKey, maxWidth);
      if (!png) throw new ApiError('not-found', `no live session "${sessionKey}"`);
      return png;
    },

    async eventScreen(value) {
      const { eventId } = input('eventScreen', value);
      const png = await port.eventScreen(eventId);
      if (!png) throw new ApiError('not-found', `no screen kept for event ${eventId}`);
      return png;
    },

    async trustCertificate(value) {
      const { hostId, fingerprint } = input('trustCertificate', value);
      return port.trustCertificate({ hostId, ...(fingerprint !== undefined ? { fingerprint } : {}) });
    },
  };
}
