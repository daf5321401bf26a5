import type { Action } from '../actions.js';
import type { Demand } from '../demand.js';
import type { SessionGroup } from '../fleet.js';
import { sessionMemoryOf, type ScreenActivity, type WorkingMemory } from '../memory.js';
import type { ScreenFacts, SessionHealthState, SessionStatus } from '../session-driver.js';
import { formatDuration } from '../words.js';

/**
 * Whether an open session's desktop is usable by its bot, from what the session driver already sees
 * (the screen's size and picture) and what the orchestrator says of its runners. The first problem
 * found, in this order, names the state; its reason carries the evidence and what to change.
 */

export interface SessionHealth {
  state: SessionHealthState;
  /** The evidence, in words ("the screen is 1024×768, not the 1280×800 configured"). */
  reason: string;
}

/**
 * A login or lock screen shown this long is where the session is, not a step of a logon or an unlock
 * still going on (Windows shows its sign-in window briefly while it logs on).
 */
export const LOGIN_AFTER_MS = 20_000;
/** A screen that stays uniformly one colour this long is blank, not a desktop still drawing. */
export const BLANK_AFTER_MS = 60_000;
/** A screen that does not change this long while a task runs is frozen. */
export const FROZEN_AFTER_MS = 5 * 60_000;
/** A runner that stays offline this long after its session opened did not start in it. */
export const RUNNER_OFFLINE_AFTER_MS = 5 * 60_000;

export interface HealthFacts {
  /** Runners of the session's group that have a running task. */
  running: readonly string[];
  /** Runners of the group the orchestrator calls online. */
  online: ReadonlySet<string>;
  /** When each runner of the group was last seen online (epoch ms). */
  lastOnlineAt: (runnerId: string) => number | undefined;
  now: number;
}

/**
 * The health of an open session; undefined when it is not open, its screen has not been seen yet, or
 * what it shows is not settled (a login window or a blank screen shown only a moment): the health it
 * had stands meanwhile, so a problem that is back after a reconnect is the same spell, not a new one.
 */
export function sessionHealth(
  session: SessionStatus,
  group: SessionGroup,
  facts: HealthFacts,
): SessionHealth | undefined {
  const { screen } = session;
  if (session.state !== 'open' || !screen) return undefined;
  const { now } = facts;
  const still = now - screen.changedAt;
  const shown = now - screen.readingSince;
  const settling =
    ((screen.reading === 'login-screen' || screen.reading === 'lock-screen') && shown < LOGIN_AFTER_MS) ||
    (screen.reading === 'blank' && still < BLANK_AFTER_MS);
  if (settling) return undefined;
  if (screen.reading === 'login-screen')
    return {
      state: 'login-screen',
      reason: `the screen has shown a login window for ${formatDuration(shown)}, not ${group.user}'s desktop`,
    };
  if (screen.reading === 'lock-screen')
    return {
      state: 'lock-screen',
      reason: `the screen has shown Windows' lock screen for ${formatDuration(shown)}: ${group.user}'s session is locked`,
    };
  if (screen.reading === 'blank')
    return {
      state: 'blank',
      reason: `the screen has been uniformly one colour for ${formatDuration(still)}`,
    };
  if (screen.width !== group.width || screen.height !== group.height)
    return {
      state: 'wrong-size',
      reason: `the screen is ${screen.width}×${screen.height}, not the ${group.width}×${group.height} configured`,
    };
  if (facts.running.length > 0 && still >= FROZEN_AFTER_MS)
    return {
      state: 'frozen',
      reason: `the screen has not changed for ${formatDuration(still)} while ${facts.running.join(', ')} runs a task`,
    };
  const connectedAt = session.connectedAt ?? session.since;
  for (const runnerId of group.runnerIds) {
    if (facts.online.has(runnerId)) continue;
    const offlineFor = now - Math.max(connectedAt, facts.lastOnlineAt(runnerId) ?? -Infinity);
    if (offlineFor >= RUNNER_OFFLINE_AFTER_MS)
      return {
        state: 'runner-offline',
        reason: `runner ${runnerId} has been offline ${formatDuration(offlineFor)} while its session is open: set the BotCity Runner to start at logon of ${group.user}`,
      };
  }
  return { state: 'ok', reason: 'the desktop is usable' };
}

/** A login or lock window or a blank screen: no bot can work on it, so repairing it cuts nothing off. */
export function isUnusable(state: SessionHealthState): boolean {
  return state === 'login-screen' || state === 'lock-screen' || state === 'blank';
}

/** The busy signal after one more look at the screen while a task runs. */
function lookAgain(busy: ScreenActivity | undefined, screen: ScreenFacts, now: number): ScreenActivity {
  if (!busy) return { since: now, looks: 1, changedLooks: 0, changedAt: screen.changedAt };
  const changed = screen.changedAt > busy.changedAt;
  return {
    since: busy.since,
    looks: busy.looks + 1,
    changedLooks: busy.changedLooks + (changed ? 1 : 0),
    changedAt: screen.changedAt,
  };
}

/** What a reconnect can put right, and what to change when it did not. */
const REPAIRS: Partial<Record<SessionHealthState, string>> = {
  'wrong-size':
    "make the host's display match the runner's size (a console session has the size of the VM's display; set the runner's width and height to it, or the display's resolution in Windows)",
  'login-screen':
    "log on as the user by hand once: check the user's password, and that no legal notice or password change waits at logon",
  'lock-screen':
    "stop the user's session from locking: no screen saver that locks on resume, no 'Interactive logon: Machine inactivity limit' policy, and no 'Always prompt for password upon connection' (it keeps a reconnect from unlocking)",
  blank:
    "check that the user's desktop starts at logon (explorer.exe or the session's program), and the host's display driver",
};

/**
 * Each open session's health this tick, kept in its memory (with when its runners were last all
 * online); a change to a problem is said once as a warning, the return to health once as info. A
 * session whose screen a reconnect can put right (wrong size, login window, blank) is closed once
 * per spell, to be opened again at the next look: never while a task runs on a usable screen. When
 * the same problem is back after that, the operator is alerted once with what to change.
 */
export function watchSessionHealth(
  sessions: readonly SessionStatus[],
  groupByKey: ReadonlyMap<string, SessionGroup>,
  demand: Demand,
  online: ReadonlySet<string>,
  memory: WorkingMemory,
  now: number,
): Action[] {
  const actions: Action[] = [];
  for (const session of sessions) {
    const group = groupByKey.get(session.key);
    if (!group || session.state !== 'open') continue;
    const sm = sessionMemoryOf(memory, session.key);
    if (group.runnerIds.every((id) => online.has(id))) sm.runnersOnlineAt = now;
    const running = group.runnerIds.filter((id) => (demand.byRunner.get(id)?.running ?? 0) > 0);
    sm.busy = session.screen && running.length > 0 ? lookAgain(sm.busy, session.screen, now) : undefined;
    const health = sessionHealth(session, group, {
      running,
      online,
      lastOnlineAt: () => sm.runnersOnlineAt,
      now,
    });
    if (!health) continue;
    const before = sm.health;
    const changed = health.state !== (before?.state ?? 'ok');
    if (changed)
      actions.push({
        kind: 'note',
        event: health.state === 'ok' ? 'session.healthy' : 'session.unhealthy',
        severity: health.state === 'ok' ? 'info' : 'warning',
        hostId: session.hostId,
        sessionKey: session.key,
        reason:
          health.state === 'ok'
            ? `Session ${session.key} is usable again`
            : `Session ${session.key} is not usable (${health.state}): ${health.reason}`,
      });
    const spell = changed
      ? { since: now }
      : { since: before?.since ?? now, repaired: before?.repaired, alerted: before?.alerted };
    sm.health = { state: health.state, reason: health.reason, ...spell };
    const advice = REPAIRS[health.state];
    if (!advice) continue;
    if (!sm.health.repaired) {
      if (running.length > 0 && !isUnusable(health.state)) continue;
      sm.health.repaired = true;
      actions.push({
        kind: 'closeSession',
        hostId: session.hostId,
        key: session.key,
        runnerIds: [...group.runnerIds],
        forRepair: health.state,
        reason:
          health.state === 'login-screen' || health.state === 'lock-screen'
            ? `Logging ${session.key} on again (a reconnect with ${group.user}'s password logs on or unlocks): ${health.reason}`
            : `Reconnecting ${session.key} at ${group.width}×${group.height}: ${health.reason}`,
      });
    } else if (
      !sm.health.alerted &&
      session.connectedAt !== undefined &&
      session.connectedAt >= sm.health.since
    ) {
      sm.health.alerted = true;
      actions.push({
        kind: 'alert',
        event: 'session.repair-failed',
        severity: 'warning',
        title: `Session ${session.key} is still not usable`,
        hostId: session.hostId,
        sessionKey: session.key,
        reason: `Reconnecting did not help ${session.key} (${health.state}: ${health.reason}); ${advice}`,
      });
    }
  }
  return actions;
}
