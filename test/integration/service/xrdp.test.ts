import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManagerEvent } from '../../../src-main/core/events.js';
import { ensureLocalUser } from '../../helpers/local-user.js';
import { descendants, isAlive, startXrdp, type XrdpServer } from '../../helpers/rdp-servers.js';
import { repoRoot, startServiceProcess, type ServiceProcess } from '../../helpers/service-process.js';
import { eventually } from '../../helpers/eventually.js';
import { callsFor, startWorld, type ServiceWorld } from './world.js';

/**
 * The two runs that use xrdp, one after the other in one file: xrdp's session manager (sesman) is one per
 * machine, and the test or demo that started it stops it when it ends, so running these two in parallel
 * could pull it from under the other's login.
 */

/**
 * The whole life of a host, driven by the real `run local` process: tasks queued in the fake Maestro →
 * StartInstances at the fake EC2 → an RDP session logged in to xrdp → tasks run and finish → idle grace →
 * session closed → StopInstances; seen through the events (SSE and history) and /metrics.
 */

const USER = 'smsvcflow'; // its own account: no other test's session is taken over
const PASSWORD = 'Fl0w-Passw0rd!';
const INSTANCE = 'i-0f10000000000f001';
const HOST = 'flow-01';
const RUNNER = 'flow-runner';

describe('run local: queued work powers a host on, opens its session, and powers it off when idle', () => {
  let xrdp: XrdpServer;
  let world: ServiceWorld;
  let service: ServiceProcess;

  beforeAll(async () => {
    xrdp = await startXrdp();
    ensureLocalUser(USER, PASSWORD);
    world = await startWorld('flow');
    await world.setHostPassword(PASSWORD);
    await world.addInstances([INSTANCE]);
    world.writeConfig([
      {
        id: HOST,
        instanceId: INSTANCE,
        address: `127.0.0.1:${xrdp.port}`,
        user: USER,
        sessionMode: 'rdp',
        runnerId: RUNNER,
      },
    ]);
    service = await startServiceProcess({ configPath: world.configPath, env: world.env });
  }, 180_000);

  /** Waits for `check`; on timeout the error shows the service's state and events and xrdp's log. */
  const until = <T>(
    check: () => Promise<T | false | undefined> | T | false | undefined,
    what: string,
    timeoutMs = 60_000,
  ) =>
    eventually(check, what, {
      timeoutMs,
      detail: async () => `${await service.diagnose()}\nxrdp log:\n${xrdp.log().slice(-2000)}`,
    });

  afterAll(async () => {
    await service?.stop();
    await world?.stop();
    await xrdp?.stop();
  });

  it(
    'goes through start → session → work → grace → close → stop, with the events and metrics that show it',
    { timeout: 180_000 },
    async () => {
      const streamed: ManagerEvent[] = [];
      const subscription = service.api.subscribeEvents({ afterId: 0 }, (event) => streamed.push(event));
      try {
        // Idle at first: the orchestrator answers and the instance is seen stopped.
        await until(async () => {
          const state = await service.api.getState();
          return (
            state.orchestrator.status === 'ok' && state.hosts.find((h) => h.id === HOST)?.power === 'off'
          );
        }, 'the first observation');
        expect(callsFor(await world.ec2Calls(), 'StartInstances', INSTANCE)).toHaveLength(0);

        const tasks = [await world.queueTask(RUNNER), await world.queueTask(RUNNER)];

        await until(
          async () => callsFor(await world.ec2Calls(), 'StartInstances', INSTANCE).length > 0,
          'StartInstances',
        );
        const instance = (await world.instances()).find((i) => i.id === INSTANCE);
        expect(instance?.tags['session-manager:managed']).toBeDefined();

        // The session is logged in: the API says so, and xrdp saw the login.
        const open = await until(
          async () => {
            const state = await service.api.getState();
            return state.sessions.find((s) => s.hostId === HOST && s.state === 'open');
          },
          'the session to open',
          90_000,
        );
        expect(open).toMatchObject({ user: USER, width: 1280, height: 800 });
        await until(() => xrdp.log().includes(`login successful for user ${USER}`), 'the xrdp login log');

        // Its desktop is usable: xrdp's Xorg at the size configured, a picture that is not a login window.
        const healthy = await until(
          async () => {
            const state = await service.api.getState();
            const session = state.sessions.find((s) => s.hostId === HOST && s.state === 'open');
            return session?.health ? session : undefined;
          },
          'the session health',
          60_000,
        );
        expect(healthy.screen).toMatchObject({ width: 1280, height: 800, reading: 'desktop' });
        expect(healthy.health?.state).toMatch(/^(ok|runner-offline)$/);

        const busy = await service.metrics();
        expect(busy.get('session_manager_sessions{state="open"}')).toBe(1);
        expect(
          (busy.get('session_manager_session_health{health="ok"}') ?? 0) +
            (busy.get('session_manager_session_health{health="runner-offline"}') ?? 0),
        ).toBe(1);
        expect(busy.get('session_manager_hosts_on')).toBe(1);
        expect(
          (busy.get('session_manager_hosts{state="logged-in"}') ?? 0) +
            (busy.get('session_manager_hosts{state="runner-online"}') ?? 0),
        ).toBe(1);

        // The bot comes online and works through its queue.
        await world.setOnline(RUNNER, true);
        for (const task of tasks) {
          await world.startTask(task.id, RUNNER);
          await until(async () => {
            const state = await service.api.getState();
            return state.runners.find((r) => r.id === RUNNER)?.running === 1;
          }, `task ${task.id} seen running`);
          await world.finishTask(task.id);
        }

        // Idle: after the grace period the session closes and the host is stopped.
        await until(
          async () => callsFor(await world.ec2Calls(), 'StopInstances', INSTANCE).length > 0,
          'StopInstances',
          90_000,
        );
        await until(async () => {
          const state = await service.api.getState();
          return (
            state.hosts.find((h) => h.id === HOST)?.power === 'off' &&
            !state.sessions.some((s) => s.hostId === HOST && s.state === 'open')
          );
        }, 'the host to be off with no open session');
        await until(
          () => streamed.some((e) => e.kind === 'host.stopped' && e.hostId === HOST),
          'host.stopped on the stream',
        );

        // The events tell the story in order, on the stream and in the history alike.
        const story = [
          'host.starting',
          'host.started',
          'session.opening',
          'session.opened',
          'session.closed',
          'host.stopping',
          'host.stopped',
        ];
        const positions = story.map((kind) =>
          streamed.findIndex((e) => e.kind === kind && e.hostId === HOST),
        );
        expect(
          positions.every((p) => p >= 0),
          `events seen: ${streamed.map((e) => e.kind).join(', ')}`,
        ).toBe(true);
        expect([...positions].sort((a, b) => a - b)).toEqual(positions);
        const history = await service.api.listEvents({ hostId: HOST, limit: 1000 });
        for (const kind of story) expect(history.some((e) => e.kind === kind)).toBe(true);

        // Events name the runner and session they concern: the runner filter finds the host's and the
        // session's events, and the export (CSV over HTTP, with its file name) has them.
        const forRunner = await service.api.listEvents({ runnerId: RUNNER, limit: 1000 });
        expect(forRunner.some((e) => e.kind === 'host.starting' && e.runnerId === RUNNER)).toBe(true);
        const opened = forRunner.find((e) => e.kind === 'session.opened');
        expect(opened?.sessionKey).toMatch(new RegExp(`^${HOST}/`));
        expect(opened?.runnerIds).toEqual([RUNNER]);
        const csv = await service.api.exportEvents({ format: 'csv', runnerId: RUNNER, text: 'logged in' });
        expect(csv.filename).toMatch(/^session-manager-events-.*\.csv$/);
        const rows = csv.text.trimEnd().split('\r\n');
        expect(rows[0]).toBe('id,time,severity,kind,host,runners,session,message,data');
        expect(
          rows.slice(1).some((row) => row.includes(`session.opened,${HOST},${RUNNER},${opened?.sessionKey}`)),
        ).toBe(true);
        expect(streamed.map((e) => e.id)).toEqual([...streamed.map((e) => e.id)].sort((a, b) => a - b));

        // Exactly one start and one stop for one stretch of work.
        const calls = await world.ec2Calls();
        expect(callsFor(calls, 'StartInstances', INSTANCE)).toHaveLength(1);
        expect(callsFor(calls, 'StopInstances', INSTANCE)).toHaveLength(1);

        const idle = await service.metrics();
        expect(idle.get('session_manager_hosts{state="off"}')).toBe(1);
        expect(idle.get('session_manager_hosts_on')).toBe(0);
        expect(idle.get('session_manager_sessions{state="open"}')).toBe(0);
        expect(idle.get('session_manager_queued_tasks{runner="flow-runner"}')).toBe(0);
        expect(idle.get('session_manager_ticks_total')).toBeGreaterThan(2);
        expect(idle.get('session_manager_orchestrator_requests_total')).toBeGreaterThan(0);
        // At least a DescribeInstances, the StartInstances and the StopInstances.
        expect(idle.get('session_manager_cloud_calls_total')).toBeGreaterThanOrEqual(3);
        expect(idle.get(`session_manager_vm_minutes_total{host="${HOST}"}`)).toBeGreaterThan(0);
      } finally {
        subscription.close();
      }
    },
  );
});

/**
 * The README's first command, `npm run demo`, as a newcomer runs it (tasks shortened with
 * --task-seconds): it prints the web console's URL, that URL serves the API, and the whole cycle
 * happens on its own: a host starts, its session logs in, tasks run and finish, the session closes and
 * the host stops. Ctrl+C ends it with exit code 0, every process it started is gone and so are the Unix
 * users it made for its RDP sessions.
 */
describe('npm run demo', () => {
  let child: ChildProcess | undefined;

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGTERM'); // the demo stops its fakes and the service on SIGTERM
      await gone;
    }
  });

  it(
    'shows the whole cycle, then exits 0 on Ctrl+C leaving no process and no user behind',
    { timeout: 300_000 },
    async () => {
      child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          'scripts/demo.ts',
          '--duration',
          '280',
          '--port',
          '0',
          '--no-open',
          '--task-seconds',
          '5',
        ],
        { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: '1' } },
      );
      let output = '';
      child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
      const seen = (pattern: RegExp, what: string, timeoutMs = 150_000) =>
        eventually(() => pattern.exec(output) ?? (child!.exitCode !== null && 'exited'), what, {
          timeoutMs,
          detail: () => `demo output:\n${output.slice(-3000)}`,
        }).then((found) => {
          if (found === 'exited')
            throw new Error(`the demo exited with ${child!.exitCode}:\n${output.slice(-3000)}`);
          return found;
        });

      const [, url, token] = await seen(
        /web console: (http:\/\/127\.0\.0\.1:\d+)\/#token=(\S+)/,
        'the web console URL',
      );
      const health = await fetch(`${url}/health`);
      expect((await health.json()) as unknown).toHaveProperty('status');
      const state = (await (
        await fetch(`${url}/api/state`, {
          headers: { authorization: `Bearer ${decodeURIComponent(token!)}` },
        })
      ).json()) as { hosts: Array<{ id: string }> };
      expect(state.hosts.map((host) => host.id)).toEqual(['demo-01', 'demo-02', 'demo-03']);
      const [, userList] = await seen(/as users (\S+, \S+, \S+) \(made for this run\)/, 'the per-run users');
      const users = userList!.split(', ');
      for (const user of users) expect(() => execFileSync('id', [user], { stdio: 'ignore' })).not.toThrow();

      // The cycle, in order, for the first runner's host.
      await seen(/demo-01: start accepted/, 'demo-01 started');
      await seen(/Session demo-01\/\S+ is logged in/, 'its session logged in');
      await seen(/runner runner-1 finished task/, 'a task finished');
      await seen(/Closing demo-01\/\S+: runner runner-1 idle/, 'its session closed');
      await seen(/demo-01: stop accepted/, 'demo-01 stopped');

      const started = descendants(child.pid!);
      expect(started.length).toBeGreaterThan(0); // the fakes, xrdp and its sessions
      child.kill('SIGINT');
      expect(await exited, output.slice(-3000)).toBe(0);
      expect(output).toContain('[demo] done');
      // Each was sent its signal before the demo exited; the last of them may take a moment to go.
      await eventually(() => started.every((pid) => !isAlive(pid)), 'every process the demo started gone', {
        timeoutMs: 15_000,
        detail: () => `still running: ${started.filter(isAlive).join(', ')}`,
      });
      for (const user of users) expect(() => execFileSync('id', [user], { stdio: 'ignore' })).toThrow();
    },
  );

  it('fails before setting anything up when its port is taken', { timeout: 120_000 }, async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as net.AddressInfo;
    try {
      const result = spawnSync(
        process.execPath,
        ['--import', 'tsx', 'scripts/demo.ts', '--duration', '5', '--port', String(port), '--no-open'],
        { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, CI: '1' }, timeout: 110_000 },
      );
      expect(result.status).toBe(1);
      expect(result.stderr + result.stdout).toContain(`port ${port} is in use`);
      expect(result.stdout).not.toContain('fake BotCity Maestro at');
    } finally {
      taken.close();
    }
  });
});
