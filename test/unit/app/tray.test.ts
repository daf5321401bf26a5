import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import type { HostView, ManagerState, SessionView } from '../../../src-main/core/state.js';
import { TrayController } from '../../../src-main/app/tray/tray-controller.js';
import { trayIconPath } from '../../../src-main/app/tray/tray-icons.js';
import { trayModel, type TrayCommand, type TrayModel } from '../../../src-main/app/tray/tray-menu.js';
import { menuTemplate } from '../../../src-main/app/tray/tray-menu-template.js';
import { trayStatuses, traySummary } from '../../../src-main/app/tray/tray-status.js';
import { baseState } from './fakes.js';

const assetsDir = fileURLToPath(new URL('../../../assets/', import.meta.url));

function host(patch: Partial<HostView> = {}): HostView {
  return {
    id: 'bot-01',
    name: 'bot-01',
    protocol: 'aws-ec2',
    address: '10.0.0.5',
    power: 'off',
    managed: true,
    stage: 'off',
    failed: false,
    maxSessions: 1,
    runners: ['fin-01'],
    ...patch,
  };
}

function session(patch: Partial<SessionView> = {}): SessionView {
  return {
    key: 'bot-01/bot',
    hostId: 'bot-01',
    user: 'bot',
    state: 'open',
    since: 0,
    reconnects: 0,
    width: 1920,
    height: 1080,
    ...patch,
  };
}

const cases: [string, ManagerState | undefined, string, RegExp][] = [
  ['the service is not running', undefined, 'error', /^Not running: config broken/],
  ['nothing configured to do', baseState({ hosts: [host()] }), 'idle', /^Idle: 1 host off/],
  ['no hosts at all', baseState(), 'idle', /^Idle: 0 hosts off/],
  [
    'a host starting',
    baseState({ hosts: [host({ power: 'starting', stage: 'powering-on' })], queueDepth: 2 }),
    'active',
    /1 host on, 0 sessions, 2 tasks queued/,
  ],
  [
    'a host on with a session',
    baseState({ hosts: [host({ power: 'on', stage: 'runner-online' })], sessions: [session()] }),
    'active',
    /1 host on, 1 session, 0 tasks/,
  ],
  [
    'a host stopping',
    baseState({ hosts: [host({ power: 'stopping', stage: 'stopping' })] }),
    'active',
    /1 host on/,
  ],
  ['work queued, host off', baseState({ hosts: [host()], queueDepth: 1 }), 'active', /1 task queued/],
  ['paused', baseState({ paused: true, hosts: [host({ power: 'on' })] }), 'attention', /^Paused/],
  [
    'no orchestrator configured',
    baseState({ orchestrator: { status: 'unconfigured' } }),
    'attention',
    /No orchestrator/,
  ],
  [
    'orchestrator unreachable',
    baseState({ orchestrator: { status: 'unreachable', problem: 'HTTP 503' } }),
    'attention',
    /unreachable: HTTP 503/,
  ],
  [
    'task records the orchestrator sent that could not be read',
    baseState({
      orchestrator: { status: 'ok', skipped: { tasks: 2, runners: 0, schedules: 0 } },
      hosts: [host({ power: 'on' })],
    }),
    'attention',
    /^Stops held: 2 task records from the orchestrator could not be read$/,
  ],
  [
    'a desktop not usable',
    baseState({
      hosts: [host({ power: 'on', stage: 'logged-in' })],
      sessions: [session({ health: { state: 'wrong-size', reason: 'the screen is 800×600', since: 0 } })],
    }),
    'attention',
    /^1 desktop not usable: bot-01\/bot \(wrong-size\)$/,
  ],
  [
    'a usable desktop is just active',
    baseState({
      hosts: [host({ power: 'on', stage: 'logged-in' })],
      sessions: [session({ health: { state: 'ok', reason: 'the desktop is usable', since: 0 } })],
    }),
    'active',
    /1 host on, 1 session/,
  ],
  [
    'budget binding',
    baseState({ hostsOn: 2, maxHostsOn: 2, queueDepth: 4, hosts: [host({ power: 'on' })] }),
    'attention',
    /Budget reached: 2 of 2 hosts on, 4 tasks queued/,
  ],
  [
    'a host failed',
    baseState({ hosts: [host({ failed: true, stage: 'failed', lastError: 'boot timeout' })], paused: true }),
    'error',
    /1 host failed: bot-01/,
  ],
  [
    'a session waiting for the operator',
    baseState({ sessions: [session({ state: 'failed', blocked: 'the certificate changed' })] }),
    'error',
    /waiting for you: the certificate changed/,
  ],
];

describe('tray status for each core state', () => {
  it.each(cases)('%s', (_name, state, status, headline) => {
    const summary = traySummary(state, 'config broken');
    expect(summary.status).toBe(status);
    expect(summary.headline).toMatch(headline);
  });

  it('covers every status', () => {
    expect(new Set(cases.map(([, , status]) => status))).toEqual(new Set(trayStatuses));
  });
});

function actions(model: TrayModel) {
  return model.menu.map((item) =>
    item.kind === 'separator'
      ? '---'
      : item.kind === 'label'
        ? `label:${item.label}`
        : `${item.command}${item.enabled ? '' : ' (disabled)'}${item.kind === 'checkbox' && item.checked ? ' ✓' : ''}`,
  );
}

describe('tray menu model', () => {
  it('running: open, pause, tick now, start at login, quit', () => {
    const model = trayModel({ state: baseState(), startAtLogin: false });
    expect(actions(model)).toEqual([
      'label:Idle: 0 hosts off',
      '---',
      'open',
      'pause',
      'tick-now',
      '---',
      'toggle-start-at-login',
      '---',
      'quit',
    ]);
    expect(model.tooltip).toBe('Session Manager: Idle: 0 hosts off');
  });

  it('a failed host or a blocked session adds "Retry failed hosts (N)"', () => {
    const failed = host({ id: 'h1', failed: true, stage: 'failed' });
    const blocked = host({ id: 'h2' });
    const state = baseState({
      hosts: [failed, blocked],
      sessions: [
        {
          key: 'h2/bot',
          hostId: 'h2',
          user: 'bot',
          state: 'failed',
          since: 0,
          reconnects: 0,
          width: 1,
          height: 1,
          blocked: 'password refused',
        },
      ],
    });
    const model = trayModel({ state, startAtLogin: false });
    expect(model.menu).toContainEqual({
      kind: 'action',
      command: 'retry-all',
      label: 'Retry failed hosts (2)',
      enabled: true,
    });
    expect(
      trayModel({ state: baseState(), startAtLogin: false }).menu.map(
        (item) => item.kind === 'action' && item.command,
      ),
    ).not.toContain('retry-all');
  });

  it('paused: resume instead of pause, tick now disabled; start at login checked', () => {
    const model = trayModel({ state: baseState({ paused: true }), startAtLogin: true });
    expect(actions(model)).toEqual([
      'label:Paused: nothing is started or stopped',
      '---',
      'open',
      'resume',
      'tick-now (disabled)',
      '---',
      'toggle-start-at-login ✓',
      '---',
      'quit',
    ]);
  });

  it('service not running: the window and quit still work, loop commands do not', () => {
    const model = trayModel({ state: undefined, problem: 'keychain locked', startAtLogin: false });
    expect(model.status).toBe('error');
    expect(actions(model)).toEqual([
      'label:Not running: keychain locked',
      '---',
      'open',
      'pause (disabled)',
      'tick-now (disabled)',
      '---',
      'toggle-start-at-login',
      '---',
      'quit',
    ]);
  });

  it('quitting: says nothing is powered off and disables everything', () => {
    const model = trayModel({ state: baseState(), startAtLogin: true, quitting: true });
    expect(actions(model)).toEqual([
      'label:Stopping… (nothing is powered off)',
      '---',
      'open (disabled)',
      'pause (disabled)',
      'tick-now (disabled)',
      '---',
      'toggle-start-at-login (disabled) ✓',
      '---',
      'quit (disabled)',
    ]);
  });

  it('becomes an Electron menu template whose clicks send the commands', () => {
    const clicked: TrayCommand[] = [];
    const template = menuTemplate(trayModel({ state: baseState(), startAtLogin: true }).menu, (c) =>
      clicked.push(c),
    );
    expect(template.map((item) => item.type ?? 'normal')).toEqual([
      'normal',
      'separator',
      'normal',
      'normal',
      'normal',
      'separator',
      'checkbox',
      'separator',
      'normal',
    ]);
    expect(template[0]).toEqual({ label: 'Idle: 0 hosts off', enabled: false });
    expect(template[6]).toMatchObject({ label: 'Start at login', checked: true });
    for (const item of template) item.click?.(undefined as never, undefined, undefined as never);
    expect(clicked).toEqual(['open', 'pause', 'tick-now', 'toggle-start-at-login', 'quit']);
  });
});

describe('tray controller', () => {
  function setup() {
    let state = baseState();
    let startAtLogin = false;
    const shown: TrayModel[] = [];
    const calls: string[] = [];
    const errors: string[] = [];
    const controller = new TrayController({
      view: { show: (model) => shown.push(model) },
      input: () => ({ state, startAtLogin }),
      handlers: {
        openWindow: () => calls.push('open'),
        pause: async () => {
          calls.push('pause');
          state = { ...state, paused: true };
        },
        resume: async () => calls.push('resume'),
        retryAll: async () => calls.push('retry-all'),
        tickNow: async () => {
          throw new Error('tick failed');
        },
        setStartAtLogin: async (enabled) => {
          calls.push(`login:${enabled}`);
          startAtLogin = enabled;
        },
        quit: () => calls.push('quit'),
      },
      onError: (command, error) => errors.push(`${command}: ${(error as Error).message}`),
    });
    return { controller, shown, calls, errors, setState: (next: ManagerState) => (state = next) };
  }

  it('shows a model only when it changed', () => {
    const { controller, shown, setState } = setup();
    controller.refresh();
    controller.refresh();
    expect(shown).toHaveLength(1);
    setState(baseState({ queueDepth: 1 }));
    controller.refresh();
    expect(shown.map((model) => model.status)).toEqual(['idle', 'active']);
  });

  it('runs each command through its handler and refreshes after it', async () => {
    const { controller, shown, calls, errors } = setup();
    await controller.run('pause');
    expect(shown.at(-1)?.status).toBe('attention');
    await controller.run('toggle-start-at-login');
    await controller.run('toggle-start-at-login');
    await controller.run('open');
    await controller.run('resume');
    await controller.run('tick-now');
    await controller.run('quit');
    expect(calls).toEqual(['pause', 'login:true', 'login:false', 'open', 'resume', 'quit']);
    expect(errors).toEqual(['tick-now: tick failed']);
  });
});

describe('tray icons', () => {
  it.each(trayStatuses)('%s: a coloured icon and a macOS template image, each with @2x', (status) => {
    for (const platform of ['win32', 'linux', 'darwin'] as const) {
      const file = trayIconPath(status, platform, assetsDir);
      expect(existsSync(file), file).toBe(true);
      const png = PNG.sync.read(readFileSync(file));
      expect([png.width, png.height]).toEqual([16, 16]);
      const retina = PNG.sync.read(readFileSync(file.replace(/\.png$/, '@2x.png')));
      expect([retina.width, retina.height]).toEqual([32, 32]);
      if (platform === 'darwin') {
        expect(file).toMatch(/Template\.png$/);
        // A template image is black and alpha only: macOS tints it for the menu bar.
        for (let i = 0; i < retina.data.length; i += 4)
          expect(retina.data[i]! + retina.data[i + 1]! + retina.data[i + 2]!).toBe(0);
      }
    }
  });
});

describe('icon assets', () => {
  it('are what scripts/make-icons.ts draws (regenerate them with it, never edit by hand)', async () => {
    const { trayIcons } = await import('../../../scripts/make-icons.js');
    const icons = trayIcons();
    expect(icons.size).toBe(16);
    for (const [name, bytes] of icons)
      expect(readFileSync(path.join(assetsDir, name)).equals(bytes), name).toBe(true);
  });
});
