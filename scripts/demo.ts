/**
 * `npm run demo`: the headless service against local stand-ins for BotCity Maestro and AWS EC2.
 *
 * It starts the fake orchestrator and the fake EC2 API as separate processes, writes a demo config that
 * points at them the way a user points at real endpoints (the orchestrator's URL; AWS_ENDPOINT_URL_EC2),
 * stores the demo secrets in the OS keychain (a private one when none is running), plays the part of the
 * bots (tasks arrive, run on a host once its session is up, finish), runs the service, and prints the web
 * console's URL. With xrdp installed and root rights, the hosts' sessions are real RDP sessions to
 * 127.0.0.1; otherwise the runners use console mode (power only) and the demo says why.
 *
 * Options: --duration <seconds> (default: until Ctrl+C), --port <api port> (default 7870),
 * --task-seconds <n> (how long each bot task runs, default 120), --no-open.
 *
 * Within ten minutes a newcomer sees the whole cycle: hosts start, sessions open, tasks run and finish,
 * sessions close and hosts stop. The Unix users behind the demo's RDP sessions are made for this run
 * with a random password and removed at exit; every process it starts is stopped, after Ctrl+C or a
 * failure alike.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ensureLocalUser, removeLocalUser } from '../test/helpers/local-user.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    duration: { type: 'string' },
    port: { type: 'string', default: '7870' },
    'task-seconds': { type: 'string', default: '120' },
    'no-open': { type: 'boolean', default: false },
  },
});

const say = (text: string) => console.log(`[demo] ${text}`);

/** What the demo started, stopped in reverse order at exit (Ctrl+C, --duration, or a failure). */
const children: ChildProcess[] = [];
const cleanups: Array<() => Promise<void> | void> = [];
// Whatever happens, the fake servers must not outlive the demo.
process.once('exit', () => children.forEach((child) => child.kill('SIGTERM')));

async function cleanUp(): Promise<void> {
  for (const cleanup of cleanups.splice(0)) {
    try {
      await cleanup();
    } catch (error) {
      say(`cleaning up: ${(error as Error).message}`);
    }
  }
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(
    children.map((child) =>
      child.exitCode !== null || child.signalCode !== null
        ? undefined
        : new Promise((resolve) => child.once('exit', resolve)),
    ),
  );
}

/** Secrets live only in a keychain: without a Secret Service on D-Bus, re-run inside a private one. */
if (!process.env.DBUS_SESSION_BUS_ADDRESS && !process.env.SM_DEMO_IN_KEYCHAIN) {
  const missing = ['dbus-run-session', 'gnome-keyring-daemon'].filter((bin) => {
    try {
      execFileSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' });
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length) {
    console.error(
      `[demo] Session Manager keeps secrets only in the OS keychain, and none is running here.\n` +
        `[demo] Install one with: sudo apt-get install -y dbus gnome-keyring   (or: bash scripts/install-system-packages.sh)`,
    );
    process.exit(1);
  }
  say('no keychain is running: starting a private one (gnome-keyring in its own D-Bus session) for the demo');
  const child = spawn(
    'sh',
    [
      path.join(root, 'scripts/with-keychain.sh'),
      process.execPath,
      ...process.execArgv,
      ...process.argv.slice(1),
    ],
    {
      stdio: 'inherit',
      env: { ...process.env, SM_DEMO_IN_KEYCHAIN: '1' },
    },
  );
  process.on('SIGINT', () => child.kill('SIGINT'));
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  child.on('exit', (code) => process.exit(code ?? 1));
} else {
  await runDemo().catch(async (error: Error) => {
    console.error(`[demo] failed: ${error.message}`);
    await cleanUp();
    process.exit(1);
  });
}

async function startFake(
  script: string,
  extra: string[] = [],
): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(root, script), '--port', '0', ...extra],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      cwd: root,
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`${script} did not start`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(text);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  return { url, child };
}

async function control(
  base: string,
  route: string,
  body?: unknown,
  method = body === undefined ? 'GET' : 'POST',
) {
  const response = await fetch(`${base}${route}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${await response.text()}`);
  return response.json() as Promise<Record<string, unknown>>;
}

/** Fails before anything is set up when the console's port is taken (0 = any free port). */
async function checkPortFree(port: number): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new Error(
          error.code === 'EADDRINUSE'
            ? `port ${port} is in use (another Session Manager?): run with --port <another port>, or --port 0 for any free one`
            : `cannot listen on port ${port}: ${error.message}`,
        ),
      ),
    );
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

async function runDemo(): Promise<void> {
  const taskSeconds = Number(args['task-seconds']);
  if (!Number.isFinite(taskSeconds) || taskSeconds <= 0)
    throw new Error('--task-seconds must be a positive number');
  await checkPortFree(Number(args.port));

  const { KeychainStore } = await import('../src-main/secrets/keychain-store.js');
  const { ConfigStore } = await import('../src-main/config/config-store.js');
  const { configSchema } = await import('../src-main/config/schema.js');
  const { startService } = await import('../src-main/service/service.js');

  const dir = mkdtempSync(path.join(tmpdir(), 'session-manager-demo-'));
  const secrets = new KeychainStore();

  if (!existsSync(path.join(root, 'dist-renderer/index.html'))) {
    say('building the web console (once)...');
    execFileSync('npm', ['run', '--silent', 'build:renderer'], { cwd: root, stdio: 'inherit' });
  }

  const botcity = await startFake('test/fakes/botcity/server.ts', [
    '--login',
    'demo',
    '--key',
    'demo-workspace-key',
  ]);
  const ec2 = await startFake('test/fakes/ec2/server.ts');
  children.push(botcity.child, ec2.child);
  say(`fake BotCity Maestro at ${botcity.url}, fake EC2 API at ${ec2.url}`);

  // Real RDP sessions when this machine can host them; power-only otherwise.
  let rdpAddress = '127.0.0.1:3389';
  let sessionMode: 'rdp' | 'console' = 'console';
  // One Windows user per host: a second login as the same user would take the first session over.
  // Users and password are made for this run (nothing to guess from the repository) and removed at exit.
  const run = randomBytes(3).toString('hex');
  const demoUser = (index: number) => (sessionMode === 'rdp' ? `smd${run}${index + 1}` : 'demo');
  const rdpPassword = `${randomBytes(12).toString('base64url')}-Aa1`;
  const canHostXrdp = existsSync('/usr/sbin/xrdp') && process.getuid?.() === 0;
  if (canHostXrdp) {
    try {
      const { startXrdp } = await import('../test/helpers/rdp-servers.js');
      const xrdp = await startXrdp();
      cleanups.push(() => xrdp.stop());
      rdpAddress = `127.0.0.1:${xrdp.port}`;
      sessionMode = 'rdp';
      for (const index of [0, 1, 2]) {
        const user = demoUser(index);
        // After xrdp has stopped (cleanups run in order): its sessions are gone, so is the user.
        cleanups.push(() => removeLocalUser(user));
        ensureLocalUser(user, rdpPassword);
      }
      say(
        `xrdp is installed: the demo hosts open real RDP sessions to ${rdpAddress} as users ${[0, 1, 2].map(demoUser).join(', ')} (made for this run)`,
      );
    } catch (error) {
      say(
        `xrdp could not start (${(error as Error).message}): sessions are skipped, runners use console mode`,
      );
    }
  } else {
    say(
      `sessions are skipped: ${existsSync('/usr/sbin/xrdp') ? 'starting xrdp needs root' : 'xrdp is not installed (apt-get install xrdp xorgxrdp)'}; ` +
        'the runners use console mode (power only)',
    );
  }

  const hosts = ['demo-01', 'demo-02', 'demo-03'];
  const instanceIds = ['i-0de0000000000d001', 'i-0de0000000000d002', 'i-0de0000000000d003'];
  await control(ec2.url, '/__control/transition-ms', { ms: 4000 });
  await control(ec2.url, '/__control/instances', {
    instances: instanceIds.map((id) => ({ id, state: 'stopped', privateIp: '127.0.0.1' })),
  });
  // Made up per run, so nothing key-shaped is committed; the fake EC2 is told to accept it.
  const demoKeyId = `AKIA${randomBytes(8).toString('hex').toUpperCase()}`;
  await control(ec2.url, '/__control/keys', { accessKeyIds: [demoKeyId] });

  await secrets.set('orchestrator-key:botcity', 'demo-workspace-key');
  await secrets.set('aws-secret:demo', 'demo-aws-secret-access-key');
  for (const id of hosts) await secrets.set(`host-password:${id}`, rdpPassword);

  const configPath = path.join(dir, 'config.json');
  const config = configSchema.parse({
    version: 1,
    orchestrator: {
      kind: 'botcity',
      server: botcity.url,
      login: 'demo',
      key: 'orchestrator-key:botcity',
      pollSeconds: 3,
    },
    policy: {
      idleGraceMinutes: 0.5,
      minUptimeMinutes: 0.5,
      bootTimeoutMinutes: 3,
      maxHostsOn: 2,
      drainObservations: 2,
    },
    hosts: hosts.map((id, index) => ({
      id,
      name: `Demo bot host ${index + 1}`,
      address: rdpAddress,
      protocol: 'aws-ec2',
      user: demoUser(index),
      password: `host-password:${id}`,
      aws: {
        instanceId: instanceIds[index],
        region: 'us-east-1',
        credentials: 'keychain',
        accessKeyId: demoKeyId,
        secretAccessKey: 'aws-secret:demo',
      },
    })),
    runners: hosts.map((id, index) => ({
      id: `runner-${index + 1}`,
      host: id,
      sessionMode,
      width: 1280,
      height: 800,
      activities: [`demo-activity-${index + 1}`],
    })),
    api: { port: Number(args.port) },
  });
  new ConfigStore(configPath).save(config);
  // How a user points the AWS SDK at another EC2 endpoint.
  process.env.AWS_ENDPOINT_URL_EC2 = ec2.url;

  const service = await startService({
    configPath,
    dataDir: path.join(dir, 'data'),
    logFile: path.join(dir, 'session-manager.log'),
    logToStdout: false,
  });
  cleanups.unshift(() => service.stop());
  say(`config: ${configPath}`);
  say(`log: ${path.join(dir, 'session-manager.log')}`);
  if (service.api) {
    say(`web console: ${service.api.consoleUrl}`);
    if (!args['no-open'] && process.env.DISPLAY && !process.env.CI)
      spawn('xdg-open', [service.api.consoleUrl], { stdio: 'ignore', detached: true }).on('error', () => {});
  }
  service.port.events.subscribe((event) =>
    say(`${new Date(event.at).toISOString().slice(11, 19)} ${event.severity.padEnd(7)} ${event.message}`),
  );

  const stopBots = playBots(botcity.url, service.port.state.bind(service.port), hosts.length, taskSeconds);
  cleanups.unshift(stopBots);

  const finish = async (why: string) => {
    say(`${why}: stopping (nothing is powered off by a stop)...`);
    await cleanUp();
    say('done');
    process.exit(0);
  };
  process.once('SIGINT', () => void finish('SIGINT'));
  process.once('SIGTERM', () => void finish('SIGTERM'));
  if (args.duration) setTimeout(() => void finish(`${args.duration} s passed`), Number(args.duration) * 1000);
}

/**
 * Plays the bots and the people who queue work: a task or two for one runner now and then, in turn, and
 * each runner takes its queued tasks once its host's desktop is ready, runs each for `taskSeconds`, and
 * finishes it. Work arrives seldom enough that each host goes idle and is stopped between its turns.
 */
function playBots(
  orchestratorUrl: string,
  state: () => import('../src-main/core/state.js').ManagerState,
  runners: number,
  taskSeconds: number,
): () => void {
  let round = 0;
  const startedAt = new Map<string, number>();
  const queueWork = async () => {
    const runner = (round++ % runners) + 1;
    const count = 1 + (round % 2);
    for (let i = 0; i < count; i++)
      await control(orchestratorUrl, '/__control/tasks', {
        activityLabel: `demo-activity-${runner}`,
        machineId: `runner-${runner}`,
      });
    say(`queued ${count} task(s) of ${taskSeconds} s for runner-${runner}`);
  };
  const work = async () => {
    const world = (await control(orchestratorUrl, '/__control/state')) as {
      tasks: Array<{ id: number | string; state: string; machineId?: string }>;
    };
    const view = state();
    for (const runner of view.runners) {
      const host = view.hosts.find((h) => h.id === runner.hostId);
      const ready =
        host?.stage === 'logged-in' ||
        host?.stage === 'runner-online' ||
        (runner.sessionMode === 'console' && host?.power === 'on');
      await control(orchestratorUrl, `/__control/machines/${runner.id}`, { isOnline: Boolean(ready) });
      if (!ready) continue;
      const mine = world.tasks.filter((t) => t.machineId === runner.id);
      const running = mine.find((t) => t.state === 'RUNNING');
      if (running) {
        // The bot knows when it started the task; the orchestrator's own timestamps are not needed.
        const since = startedAt.get(String(running.id)) ?? Date.now();
        startedAt.set(String(running.id), since);
        if (Date.now() - since >= taskSeconds * 1000) {
          await control(orchestratorUrl, `/__control/tasks/${running.id}/finish`, {});
          startedAt.delete(String(running.id));
          say(`runner ${runner.id} finished task ${running.id}`);
        }
      } else {
        const next = mine.find((t) => t.state === 'START');
        if (next) {
          await control(orchestratorUrl, `/__control/tasks/${next.id}/start`, {});
          startedAt.set(String(next.id), Date.now());
          say(`runner ${runner.id} started task ${next.id}`);
        }
      }
    }
  };
  const safely = (fn: () => Promise<void>) => () =>
    void fn().catch((error: Error) => say(`bot simulation: ${error.message}`));
  safely(queueWork)();
  // Each runner's turn comes back after its host had time to finish two tasks, go idle and stop.
  const arrivals = setInterval(safely(queueWork), Math.max(30, 1.25 * taskSeconds) * 1000);
  const bots = setInterval(safely(work), 2_000);
  return () => {
    clearInterval(arrivals);
    clearInterval(bots);
  };
}
