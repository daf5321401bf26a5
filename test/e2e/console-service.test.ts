import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type RunningService } from '../../src-main/service/service.js';
import { KeychainStore } from '../../src-main/secrets/keychain-store.js';
import { API_TOKEN_REF } from '../../src-main/api/token.js';
import { href } from '../../src-renderer/lib/route.js';
import { FakeBotCity } from '../fakes/botcity/fake-botcity.js';
import { Ec2FakeServer } from '../fakes/ec2/server.js';
import { Ec2World, ManualClock } from '../fakes/ec2/world.js';
import { InMemorySessionDriver } from '../fakes/in-memory-sessions.js';
import { buildRendererOnce } from './helpers/build-renderer.js';
import {
  collectPageErrors,
  consoleActions,
  launchChromium,
  screenshot,
  seriousA11yViolations,
} from './helpers/browser.js';
import { tcpPorts } from './helpers/console-fixture.js';
import { startShadowServer, type ShadowServer } from '../helpers/rdp-servers.js';

/**
 * The full flow against the real headless service (startService: config store, keychain, reconciler,
 * EC2 power driver, BotCity client, HTTP API serving the built console) and the fakes: Maestro driven
 * through its /__control/ API, EC2 on a clock the test moves, RDP sessions in memory, an RDP port that
 * answers TCP. Runs under scripts/with-keychain.sh (a real Secret Service keychain).
 */

const login = 'ui-login';
const workspaceKey = 'ui-workspace-key-0001';
const accessKeyId = 'AKIAUIFLOWTEST000001';
const awsSecret = 'ui-flow-aws-secret-access-key';
const hostPassword = 'Ui-Fl0w-Passw0rd!';
const instanceId = 'i-0a1b2c3d4e5f60718';

describe('web console over the real service and the fakes', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sm-ui-flow-'));
  const keychainService = `session-manager-ui-e2e-${process.pid}`;
  const secrets = new KeychainStore(keychainService);
  const clock = new ManualClock(Date.now());
  let botcity: FakeBotCity;
  let ec2: Ec2FakeServer;
  let service: RunningService;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];
  let ports: Awaited<ReturnType<typeof tcpPorts>>;
  /** A real RDP server (NLA) that knows the host's user: the wizard's test logs on to it. */
  let rdp: ShadowServer;
  const savedEndpoint = process.env.AWS_ENDPOINT_URL_EC2;

  const control = async <T>(pathname: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${botcity.url}${pathname}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body ?? {}),
    });
    if (!response.ok) throw new Error(`${pathname}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  const { go, click } = consoleActions(() => page);
  const card = () => page.getByTestId('host-card-bot-01');
  const waitStage = (text: string) =>
    card().getByTestId('stage').filter({ hasText: text }).waitFor({ timeout: 30_000 });

  beforeAll(async () => {
    const staticDir = await buildRendererOnce();
    ports = await tcpPorts();
    // The screen of the size the runner is configured with (1920×1080 by default): a usable desktop.
    rdp = await startShadowServer({ user: 'botuser', password: hostPassword, width: 1920, height: 1080 });
    botcity = new FakeBotCity({ login, key: workspaceKey });
    await botcity.listen(0);
    ec2 = new Ec2FakeServer({
      world: new Ec2World({ clock, transitionMs: 60_000 }),
      secretKeys: { [accessKeyId]: awsSecret },
    });
    await ec2.listen(0);
    ec2.world.addInstance({ id: instanceId, state: 'stopped', privateIp: '127.0.0.1' });
    process.env.AWS_ENDPOINT_URL_EC2 = ec2.url;

    service = await startService({
      configPath: path.join(dir, 'config.json'),
      dataDir: path.join(dir, 'data'),
      logFile: path.join(dir, 'service.log'),
      logToStdout: false,
      apiPort: 0,
      consoleDir: staticDir,
      secrets,
      sessions: new InMemorySessionDriver(() => Date.now()),
      intervalMs: 250,
      powerDeps: { ec2: { maxAttempts: 1, requestTimeoutMs: 5000 } },
    });
    browser = await launchChromium();
    const context = await browser.newContext({
      viewport: { width: 1360, height: 900 },
      colorScheme: 'light',
      reducedMotion: 'reduce',
    });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    pageErrors = collectPageErrors(page);
  }, 180_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await service?.stop();
    await ec2?.close();
    await botcity?.close();
    await ports?.close();
    await rdp?.stop();
    if (savedEndpoint === undefined) delete process.env.AWS_ENDPOINT_URL_EC2;
    else process.env.AWS_ENDPOINT_URL_EC2 = savedEndpoint;
    for (const ref of [
      'orchestrator-key:default',
      'host-password:bot-01',
      `aws-secret:${accessKeyId}`,
      API_TOKEN_REF,
    ])
      await secrets.delete(ref).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens with the token the service printed, and configures the orchestrator and policies', async () => {
    expect(service.api?.consoleUrl).toMatch(/#token=/);
    await page.goto(service.api!.consoleUrl);
    await page.getByRole('heading', { level: 2, name: 'Overview' }).waitFor();
    await page.getByTestId('orchestrator-status').filter({ hasText: 'No orchestrator' }).waitFor();

    await go(href('settings'), 'Settings');
    await page.getByLabel('Server', { exact: true }).fill(botcity.url);
    await page.getByLabel('Workspace login', { exact: true }).fill(login);
    await page.getByLabel('Workspace key', { exact: true }).fill(workspaceKey);
    await click('Save orchestrator');
    await page.getByText('Saved').first().waitFor();
    await page.getByRole('textbox', { name: /Idle grace/ }).fill('0');
    await page.getByRole('textbox', { name: /Minimum uptime/ }).fill('0');
    await page.getByRole('textbox', { name: /Idle checks before stop/ }).fill('1');
    await click('Save policies');
    await page.getByText('Saved').nth(1).waitFor();
    await page
      .getByTestId('orchestrator-status')
      .filter({ hasText: 'Orchestrator OK' })
      .waitFor({ timeout: 30_000 });
    expect(await secrets.get('orchestrator-key:default')).toBe(workspaceKey);
  });

  it('adds the EC2 host through the wizard: a failing test names the missing instance, then it passes', async () => {
    await go(href('hosts', 'new'), 'Add a host');
    await page.getByTestId('protocol-aws-ec2').click();
    await click('Next');
    await page.locator('#host-id').fill('bot-01');
    await page.locator('#host-address').fill(`127.0.0.1:${ports.closed}`);
    await page.locator('#host-aws-instanceId').fill('i-0ffffffffffffffff');
    await page.locator('#host-aws-region').fill('us-east-1');
    await click('Next');
    await page.locator('#host-user').fill('botuser');
    await page.locator('#host-password').fill(hostPassword);
    await page.getByText('Access key', { exact: true }).click();
    await page.locator('#host-aws-accessKeyId').fill(accessKeyId);
    await page.locator('#host-aws-secretAccessKey').fill(awsSecret);
    await click('Next');
    await click('Add a runner');
    await page.locator('#host-runners-0-id').fill('fin-01');
    await click('Next');

    await click('Test connection');
    const cloud = page.getByTestId('test-cloud');
    await cloud.filter({ hasText: 'Cloud: failed' }).waitFor();
    expect(await cloud.innerText()).toMatch(/does not exist|not found/i);
    await page.getByTestId('test-rdp').filter({ hasText: 'RDP: failed' }).waitFor();
    await screenshot(page, 'service-wizard-test-failed');

    await page
      .getByRole('button', { name: /Connection/ })
      .first()
      .click();
    await page.locator('#host-aws-instanceId').fill(instanceId);
    await page.locator('#host-address').fill(`127.0.0.1:${rdp.port}`);
    for (let i = 0; i < 3; i++) await click('Next');
    await click('Test connection');
    await page.getByTestId('test-cloud').filter({ hasText: 'Cloud: passed' }).waitFor();
    expect(await page.getByTestId('test-cloud').innerText()).toContain(instanceId);
    await page.getByTestId('test-rdp').filter({ hasText: 'RDP: passed' }).waitFor();
    expect(await page.getByTestId('test-rdp').innerText()).toContain('logged on as botuser over NLA');
    await click('Next');
    await click('Save host');
    await page.getByTestId('host-row-bot-01').waitFor();

    expect(await secrets.get('host-password:bot-01')).toBe(hostPassword);
    expect(await secrets.get(`aws-secret:${accessKeyId}`)).toBe(awsSecret);
    const config = service.port.configStore.load();
    expect(config.runners).toEqual([expect.objectContaining({ id: 'fin-01', host: 'bot-01' })]);
    expect(JSON.stringify(config)).not.toContain(hostPassword);
  });

  it('powers the host on for queued tasks, through its stages to a session, and off when they finish', async () => {
    await go(href('overview'), 'Overview');
    await waitStage('Off');
    const tasks = await control<{ tasks: { id: number }[] }>('/__control/tasks', {
      tasks: [
        { activityLabel: 'invoices', machineId: 'fin-01' },
        { activityLabel: 'invoices', machineId: 'fin-01' },
      ],
    });

    // EC2 holds the instance in "pending" until the test moves its clock.
    await waitStage('Powering on (1 of 4)');
    await page.getByTestId('queue-depth').filter({ hasText: 'Queue 2' }).waitFor();
    await page
      .getByTestId('hosts-on')
      .filter({ hasText: /Hosts on 1 \/ 10/ })
      .waitFor();
    await screenshot(page, 'service-overview-powering-on');
    expect(ec2.world.get(instanceId)?.state).toBe('pending');
    clock.advance(60_000);

    // Running, RDP answers, the session opens; the runner comes online in Maestro.
    await waitStage('Logged in (3 of 4)');
    await control(`/__control/machines/fin-01`, { isOnline: true });
    await waitStage('Runner online (4 of 4)');
    await card().getByTestId('sessions').filter({ hasText: '1 open of 1 session' }).waitFor();
    await control(`/__control/tasks/${tasks.tasks[0]!.id}/start`, { machineId: 'fin-01' });
    await card().getByTestId('runner-row-fin-01').getByTestId('running').filter({ hasText: '1' }).waitFor();
    await screenshot(page, 'service-overview-busy');
    expect(await seriousA11yViolations(page)).toEqual([]);

    await go(href('sessions'), 'Live sessions');
    const session = page.locator('[data-testid^="session-"]').first();
    await session.getByText('1920 × 1080').waitFor();
    await session.getByRole('img', { name: 'Screen of botuser on bot-01' }).waitFor();
    await screenshot(page, 'service-sessions');

    // The tasks finish: idle, drained, stopped ("stopping" holds until the EC2 clock moves).
    await go(href('overview'), 'Overview');
    await control(`/__control/tasks/${tasks.tasks[0]!.id}/finish`);
    await control(`/__control/tasks/${tasks.tasks[1]!.id}/start`, { machineId: 'fin-01' });
    await control(`/__control/tasks/${tasks.tasks[1]!.id}/finish`);
    await waitStage('Stopping');
    await page.getByTestId('queue-depth').filter({ hasText: 'Queue 0' }).waitFor();
    clock.advance(60_000);
    await waitStage('Off');
    await card().getByTestId('power').filter({ hasText: 'off' }).waitFor({ timeout: 30_000 });
    expect(ec2.world.get(instanceId)?.state).toBe('stopped');
    expect(ec2.world.get(instanceId)?.tags['session-manager:managed']).toBeDefined();
  }, 120_000);

  it('shows what happened in the event log and on the Cost page', async () => {
    await go(href('events'), 'Event log');
    const rows = page.getByTestId('event-row');
    await rows.first().waitFor();
    const kinds = await rows.evaluateAll((all) => all.map((row) => row.getAttribute('data-kind')));
    expect(kinds).toEqual(expect.arrayContaining(['host.starting', 'session.opened', 'host.stopping']));
    await page.getByPlaceholder('All hosts').click();
    await page.getByRole('option', { name: 'bot-01' }).click();
    const hosts = await rows.evaluateAll((all) => all.map((row) => row.children[3]?.textContent));
    expect(new Set(hosts)).toEqual(new Set(['bot-01']));
    await screenshot(page, 'service-events');

    // The service's own history: the host's one start and stop, against the same host always on.
    await go(href('cost'), 'Cost');
    await page.locator('.recharts-bar-rectangle').first().waitFor();
    const summary = await page.getByTestId('cost-summary').innerText();
    expect(summary).toMatch(/\d+ % fewer VM-hours than always on; [\d.]+ VM-hours, 1 start,/);
    await screenshot(page, 'service-cost');
    expect(pageErrors).toEqual([]);
  });
});
