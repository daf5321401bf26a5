import { readFile } from 'node:fs/promises';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { href } from '../../src-renderer/lib/route.js';
import { openConsole, tcpPorts, type Console } from './helpers/console-fixture.js';
import { consoleActions, screenshot, screenshotDir, seriousA11yViolations } from './helpers/browser.js';
import { knownInstanceId, ScriptedManager } from './helpers/scripted-manager.js';

/**
 * The whole console in Chromium against the real API server, with a scripted ManagerPort standing in
 * for the reconciler: add an EC2 host through the wizard (a failing connection test first), watch it
 * boot to a session and power off, and check every view's accessibility.
 */

const password = 'Sup3r-Secret-Pw!';
const awsSecret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

describe('web console over a scripted manager', () => {
  let manager: ScriptedManager;
  let console_: Console;
  let ports: Awaited<ReturnType<typeof tcpPorts>>;

  beforeAll(async () => {
    manager = new ScriptedManager();
    ports = await tcpPorts();
    console_ = await openConsole(manager);
  }, 120_000);

  afterAll(async () => {
    await console_?.close();
    await ports?.close();
    manager?.dispose();
  });

  const page = () => console_.page;
  const { go, click } = consoleActions(page);
  const card = () => page().getByTestId('host-card-bot-01');
  const waitStage = (text: string) => card().getByTestId('stage').filter({ hasText: text }).waitFor();

  it('takes the token from the URL fragment, keeps it for the tab and clears it from the address bar', async () => {
    await page().goto(console_.server.consoleUrl);
    await page().getByRole('heading', { level: 2, name: 'Overview' }).waitFor();
    await page().getByText('No host yet').waitFor();
    expect(page().url()).not.toContain('token');
    expect(await page().evaluate(() => sessionStorage.getItem('session-manager.token'))).toBe(console_.token);
    // A reload still works from sessionStorage.
    await page().reload();
    await page().getByTestId('orchestrator-status').filter({ hasText: 'Orchestrator OK' }).waitFor();
  });

  it('refuses to work without a token, and says how to open it', async () => {
    const other = await console_.context.newPage();
    await other.goto(console_.server.url);
    await other.getByText('Open the console with its link').waitFor();
    await other.close();
  });

  it('adds an EC2 host through the wizard: field rules, a failing test, then a passing one', async () => {
    await page().getByRole('link', { name: 'Add a host' }).click();
    await page().getByRole('heading', { name: 'Add a host' }).waitFor();
    await page().getByTestId('protocol-aws-ec2').click();
    await click('Next');

    // Connection: the same rules as the CLI and the API, field by field.
    await page().locator('#host-id').fill('bot-01');
    await page().locator('#host-address').fill(`127.0.0.1:${ports.closed}`);
    await page().locator('#host-aws-instanceId').fill('i-123');
    await page().locator('#host-aws-region').fill('eu-west-1');
    await click('Next');
    await page().getByText('an EC2 instance id like i-0123456789abcdef0').waitFor();
    await page().locator('#host-aws-instanceId').fill('i-00000000000000dea');
    await click('Next');

    // Credentials: the cross-field rule (a key kept in the keychain needs its id and secret).
    await page().locator('#host-user').fill('botuser');
    await page().locator('#host-password').fill(password);
    await page().getByText('Access key', { exact: true }).click();
    await click('Next');
    await page().getByText('keychain credentials need an access key id and secret').waitFor();
    await page().locator('#host-aws-accessKeyId').fill('AKIAIOSFODNN7EXAMPLE');
    await page().locator('#host-aws-secretAccessKey').fill(awsSecret);
    await click('Next');

    // Runners attached with the host.
    await click('Add a runner');
    await page().locator('#host-runners-0-id').fill('fin-01');
    await click('Next');

    // Test: wrong instance and nothing listening on the RDP port: both say why.
    await click('Test connection');
    const cloud = page().getByTestId('test-cloud');
    await cloud.filter({ hasText: 'Cloud: failed' }).waitFor();
    expect(await cloud.innerText()).toContain(
      'InvalidInstanceID.NotFound: the instance i-00000000000000dea does not exist in eu-west-1',
    );
    await page().getByTestId('test-rdp').filter({ hasText: 'RDP: failed' }).waitFor();
    await screenshot(page(), 'wizard-test-failed');
    expect(await seriousA11yViolations(page())).toEqual([]);

    // Fix the connection and test again.
    await page()
      .getByRole('button', { name: /Connection/ })
      .first()
      .click();
    await page().locator('#host-aws-instanceId').fill(knownInstanceId);
    await page().locator('#host-address').fill(`127.0.0.1:${ports.open}`);
    await click('Next');
    await click('Next');
    await click('Next');
    await click('Test connection');
    await page().getByTestId('test-cloud').filter({ hasText: 'Cloud: passed' }).waitFor();
    await page().getByTestId('test-rdp').filter({ hasText: 'RDP: passed' }).waitFor();
    await screenshot(page(), 'wizard-test-passed');
    await click('Next');
    await page().getByText('will be stored in the keychain').first().waitFor();
    await screenshot(page(), 'wizard-review');
    expect(await seriousA11yViolations(page())).toEqual([]);
    await click('Save host');

    await page().getByTestId('host-row-bot-01').waitFor();
    expect(await page().getByTestId('host-row-bot-01').textContent()).toContain('password stored');
    // Secrets went to the keychain (here the in-memory store), never into the config or back to the page.
    expect(manager.secrets.values.get('host-password:bot-01')).toBe(password);
    expect(manager.secrets.values.get('aws-secret:AKIAIOSFODNN7EXAMPLE')).toBe(awsSecret);
    const config = manager.configStore.load();
    expect(config.hosts[0]).toMatchObject({
      id: 'bot-01',
      protocol: 'aws-ec2',
      aws: { instanceId: knownInstanceId },
    });
    expect(config.runners).toEqual([expect.objectContaining({ id: 'fin-01', host: 'bot-01' })]);
    expect(JSON.stringify(config)).not.toContain(password);
    await go(href('hosts', 'edit', 'bot-01'), 'Edit host bot-01');
    await page().locator('#host-user').waitFor({ state: 'detached' });
    expect(await page().content()).not.toContain(password);
    await screenshot(page(), 'hosts-edit');

    // Editing: a stored host opens with its secrets empty ("leave empty to keep"); saving keeps them.
    await page()
      .getByRole('button', { name: /Connection/ })
      .first()
      .click();
    await page().locator('#host-name').fill('Finance bot');
    await page().getByRole('button', { name: /Save/ }).first().click();
    await click('Save changes');
    await page().getByTestId('host-row-bot-01').filter({ hasText: 'Finance bot' }).waitFor();
    expect(manager.configStore.load().hosts[0]?.name).toBe('Finance bot');
    expect(manager.secrets.values.get('host-password:bot-01')).toBe(password);
  });

  it('attaches a second runner with the runner form, checking its fields', async () => {
    await go(href('runners', 'new'), 'Attach a runner');
    await page().locator('#runner-id').fill('fin 02');
    await click('Attach runner');
    await page()
      .getByText('letters, digits, ".", "_" or "-", at most 64, not starting with a symbol')
      .waitFor();
    await page().locator('#runner-id').fill('fin-02');
    await page().locator('#runner-width').fill('1366');
    await page().locator('#runner-height').fill('768');
    await screenshot(page(), 'runner-form');
    await click('Attach runner');
    await page().getByTestId('runner-fin-02').waitFor();
    expect(manager.configStore.load().runners.find((r) => r.id === 'fin-02')).toMatchObject({
      width: 1366,
      height: 768,
    });
    await screenshot(page(), 'runners');
  });

  it('shows the host going through its stages to a session, then idle and off', async () => {
    await go(href('overview'), 'Overview');
    await waitStage('Off');
    await card().getByTestId('last-error').filter({ hasText: 'No error' }).waitFor();

    manager.demand.set('fin-01', { queued: 2, running: 0 });
    manager.setHost('bot-01', {
      power: 'starting',
      stage: 'powering-on',
      bootStartedAt: manager.now,
      reason: 'runner fin-01 has 2 queued tasks',
    });
    manager.emit({
      kind: 'host.starting',
      severity: 'info',
      hostId: 'bot-01',
      runnerId: 'fin-01',
      message: 'Starting host bot-01: runner fin-01 has 2 queued tasks',
    });
    await waitStage('Powering on (1 of 4)');
    await page().getByTestId('queue-depth').filter({ hasText: 'Queue 2' }).waitFor();
    await page().getByTestId('hosts-on').filter({ hasText: 'Hosts on 1 / 10' }).waitFor();
    expect(await card().getByRole('progressbar').getAttribute('aria-valuenow')).toBe('1');

    manager.advance(40_000);
    manager.setHost('bot-01', { power: 'on', stage: 'rdp-answering' });
    manager.emit({
      kind: 'host.started',
      severity: 'info',
      hostId: 'bot-01',
      message: 'Host bot-01 is on; RDP answers',
    });
    await waitStage('RDP answering (2 of 4)');

    manager.advance(20_000);
    manager.setHost('bot-01', { stage: 'logged-in' });
    manager.sessions.set('bot-01/botuser', {
      key: 'bot-01/botuser',
      hostId: 'bot-01',
      user: 'botuser',
      state: 'open',
      since: manager.now,
      connectedAt: manager.now,
      reconnects: 0,
      width: 1920,
      height: 1080,
    });
    manager.emit({
      kind: 'session.opened',
      severity: 'info',
      hostId: 'bot-01',
      runnerId: 'fin-01',
      message: 'Session for botuser on bot-01 is open at 1920×1080',
    });
    await waitStage('Logged in (3 of 4)');

    manager.advance(15_000);
    manager.demand.set('fin-01', { queued: 1, running: 1 });
    manager.setHost('bot-01', { stage: 'runner-online', reason: 'runner fin-01 has 1 running task' });
    manager.emit({
      kind: 'host.ready',
      severity: 'info',
      hostId: 'bot-01',
      runnerId: 'fin-01',
      message: 'Runner fin-01 is online on bot-01',
    });
    await waitStage('Runner online (4 of 4)');
    await card().getByTestId('runner-row-fin-01').getByTestId('running').filter({ hasText: '1' }).waitFor();
    await card().getByTestId('sessions').filter({ hasText: '1 open of 1 session' }).waitFor();
    await screenshot(page(), 'overview-busy');

    // The live session: its thumbnail, resolution, reconnects; enlarged on click.
    await go(href('sessions'), 'Live sessions');
    const session = page().getByTestId('session-bot-01/botuser');
    await session.getByText('1920 × 1080').waitFor();
    await session.getByRole('img', { name: 'Screen of botuser on bot-01' }).waitFor();
    const width = await session.getByRole('img').evaluate((img) => (img as HTMLImageElement).naturalWidth);
    expect(width).toBe(480);
    await screenshot(page(), 'sessions');
    await session.getByRole('button', { name: /Enlarge/ }).click();
    await page()
      .getByRole('dialog')
      .getByRole('img', { name: /enlarged/ })
      .waitFor();
    const modalProblems = await seriousA11yViolations(page());
    writeFileSync(
      path.join(screenshotDir, '..', 'a11y-modal.json'),
      JSON.stringify(modalProblems, undefined, 1),
    );
    expect(JSON.stringify(modalProblems, undefined, 1)).toBe('[]');
    await screenshot(page(), 'session-enlarged');
    await page().keyboard.press('Escape');
    await page().getByRole('dialog').waitFor({ state: 'detached' });

    // The desktop's health: a badge with its reason here, and a line on the host card.
    const offline =
      'runner fin-01 has been offline 5 min while its session is open: set the BotCity Runner to start at logon of botuser';
    manager.sessions.set('bot-01/botuser', {
      ...manager.sessions.get('bot-01/botuser')!,
      health: { state: 'runner-offline', reason: offline, since: manager.now },
      busy: { since: manager.now - 12 * 60_000, looks: 48, changedLooks: 40, changedAt: manager.now - 3_000 },
    });
    manager.emit({
      kind: 'session.unhealthy',
      severity: 'warning',
      hostId: 'bot-01',
      sessionKey: 'bot-01/botuser',
      message: `Session bot-01/botuser is not usable (runner-offline): ${offline}`,
      data: { screen: true },
    });
    await session
      .getByTestId('session-health-bot-01/botuser')
      .filter({ hasText: 'runner-offline' })
      .waitFor();
    await session.getByText(offline).waitFor();
    // The busy signal: how alive the screen is while the task runs.
    await session
      .getByTestId('session-busy-bot-01/botuser')
      .filter({ hasText: 'the screen changed at 40 of 48 looks' })
      .waitFor();
    await go(href('overview'), 'Overview');
    await card()
      .getByTestId('desktop-health-bot-01/botuser')
      .filter({ hasText: 'Desktop of botuser: runner-offline.' })
      .waitFor();
    // The event keeps the screen as it was: shown in the event log when asked for.
    await go(href('events'), 'Event log');
    const said = page().getByTestId('event-row').filter({ hasText: 'is not usable (runner-offline)' });
    await said.getByRole('button', { name: 'Show the screen' }).click();
    const kept = said.getByRole('img', { name: 'The screen of bot-01/botuser when this was said' });
    await kept.waitFor();
    expect(await kept.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(640);
    await go(href('overview'), 'Overview');
    manager.sessions.set('bot-01/botuser', {
      ...manager.sessions.get('bot-01/botuser')!,
      health: { state: 'ok', reason: 'the desktop is usable', since: manager.now },
    });
    manager.emit({
      kind: 'session.healthy',
      severity: 'info',
      hostId: 'bot-01',
      sessionKey: 'bot-01/botuser',
      message: 'Session bot-01/botuser is usable again',
    });
    await card().getByTestId('desktop-health-bot-01/botuser').waitFor({ state: 'detached' });

    // Several instances share the fleet: which one this is, and which instance holds which host.
    manager.coordination = {
      instanceId: 'ops-a-1234-ab12cd',
      connected: true,
      instances: 2,
      holders: { 'bot-01': 'ops-a-1234-ab12cd', 'bot-02': 'ops-b-77-ffeedd' },
    };
    manager.emit({
      kind: 'coordination.restored',
      severity: 'info',
      message: 'The shared database answers again',
    });
    await page()
      .getByTestId('shared-fleet')
      .filter({
        hasText:
          'Instance ops-a-1234-ab12cd, one of 2 sharing this fleet. This one holds bot-01. ops-b-77-ffeedd holds bot-02.',
      })
      .waitFor();
    // Each host card says which instance holds it.
    await card().getByTestId('holder').filter({ hasText: 'held by this instance' }).waitFor();
    manager.coordination = {
      ...manager.coordination,
      holders: { 'bot-01': 'ops-b-77-ffeedd', 'bot-02': 'ops-b-77-ffeedd' },
    };
    manager.emit({ kind: 'info', severity: 'info', message: 'bot-01 moved to another instance' });
    await card().getByTestId('holder').filter({ hasText: 'held by ops-b-77-ffeedd' }).waitFor();
    manager.coordination = undefined;
    manager.emit({ kind: 'info', severity: 'info', message: 'back to one instance' });
    await page().getByTestId('shared-fleet').waitFor({ state: 'detached' });

    // Tasks finish: idle countdown, then stopping, then off.
    manager.advance(600_000);
    manager.demand.set('fin-01', { queued: 0, running: 0 });
    manager.setHost('bot-01', { idleDeadline: manager.now + 10 * 60_000, reason: 'idle since 09:12' });
    manager.emit({
      kind: 'info',
      severity: 'info',
      hostId: 'bot-01',
      runnerId: 'fin-01',
      message: 'Runner fin-01 has no work; bot-01 powers off in 10 minutes if it stays idle',
    });
    await card()
      .getByTestId('idle')
      .filter({ hasText: /powers off in \d+:\d\d if still idle/ })
      .waitFor();
    await page().getByTestId('queue-depth').filter({ hasText: 'Queue 0' }).waitFor();
    await screenshot(page(), 'overview-idle');

    manager.advance(600_000);
    manager.sessions.delete('bot-01/botuser');
    manager.setHost('bot-01', { power: 'stopping', stage: 'stopping', idleDeadline: undefined });
    manager.emit({
      kind: 'session.closed',
      severity: 'info',
      hostId: 'bot-01',
      message: 'Session for botuser on bot-01 closed: idle',
    });
    manager.emit({
      kind: 'host.stopping',
      severity: 'info',
      hostId: 'bot-01',
      message: 'Stopping host bot-01: idle for 10 minutes',
    });
    await waitStage('Stopping');
    manager.advance(30_000);
    manager.setHost('bot-01', { power: 'off', stage: 'off', bootStartedAt: undefined, reason: undefined });
    manager.emit({ kind: 'host.stopped', severity: 'info', hostId: 'bot-01', message: 'Host bot-01 is off' });
    await waitStage('Off');
    await card().getByTestId('power').filter({ hasText: 'off' }).waitFor();
    await page().getByTestId('hosts-on').filter({ hasText: 'Hosts on 0 / 10' }).waitFor();
  }, 60_000);

  it('filters the live event log by host, runner and severity', async () => {
    await go(href('events'), 'Event log');
    const rows = page().getByTestId('event-row');
    await rows.filter({ hasText: 'Host bot-01 is off' }).waitFor();
    const kinds = await rows.evaluateAll((all) => all.map((row) => row.getAttribute('data-kind')));
    expect(kinds).toEqual(
      expect.arrayContaining([
        'host.starting',
        'host.started',
        'session.opened',
        'host.ready',
        'host.stopping',
        'host.stopped',
      ]),
    );

    // Live: a new error appears without reloading.
    manager.emit({
      kind: 'action.failed',
      severity: 'error',
      hostId: 'bot-01',
      message: 'StartInstances on bot-01 failed: throttled',
    });
    await rows.filter({ hasText: 'StartInstances on bot-01 failed' }).waitFor();
    await page().getByText('Errors', { exact: true }).click();
    await page().getByText('1 of').waitFor();
    expect(await rows.count()).toBe(1);
    await page().getByText('All', { exact: true }).click();

    // Search: words in any case, then a kind family; the export is the same search as a file.
    await page().getByLabel('Search').fill('THROTTLED bot-01');
    await page()
      .getByText(/^1 of \d+ events shown/)
      .waitFor();
    await page().getByLabel('Search').fill('');
    await page().getByPlaceholder('All kinds').click();
    await page().getByRole('option', { name: 'host.* (all)' }).click();
    await rows.first().waitFor();
    const shownKinds = await rows.evaluateAll((all) => all.map((row) => row.getAttribute('data-kind')));
    expect(shownKinds.length).toBeGreaterThan(0);
    expect(shownKinds.every((kind) => kind!.startsWith('host.'))).toBe(true);
    const [download] = await Promise.all([
      page().waitForEvent('download'),
      page().getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^session-manager-events-.*\.csv$/);
    const csv = (await readFile((await download.path())!, 'utf8')).trimEnd().split('\r\n');
    expect(csv[0]).toBe('id,time,severity,kind,host,runners,session,message,data');
    expect(csv.slice(1).map((line) => line.split(',')[3])).toEqual([...shownKinds].reverse());
    await screenshot(page(), 'event-log-search');
    await page().getByRole('button', { name: 'Clear filters' }).click();

    await page().getByPlaceholder('All runners').click();
    await page().getByRole('option', { name: 'fin-01' }).click();
    await rows.first().waitFor();
    const runnersShown = await rows.evaluateAll((all) => all.map((row) => row.children[4]?.textContent));
    expect(new Set(runnersShown)).toEqual(new Set(['fin-01']));
    await screenshot(page(), 'events');
  });

  it("draws the cost from the service's history, against always on, and replays it under other settings", async () => {
    // Three days ago bot-01 ran two hours for two tasks of fin-01; the history says so.
    const hour = 3_600_000;
    const start = Date.now() - 3 * 24 * hour;
    manager.historyRecords = {
      power: [
        { hostId: 'bot-01', state: 'off', startedAt: start - hour, endedAt: start, cause: 'observed' },
        {
          hostId: 'bot-01',
          state: 'on',
          startedAt: start,
          endedAt: start + 2 * hour,
          cause: 'Starting bot-01',
        },
        { hostId: 'bot-01', state: 'off', startedAt: start + 2 * hour, endedAt: null, cause: 'observed' },
      ],
      sessions: [
        { key: 'bot-01/botuser', hostId: 'bot-01', openedAt: start + 60_000, closedAt: start + hour },
      ],
      tasks: [0, 1].map((i) => ({
        taskId: `t${i}`,
        runnerId: 'fin-01',
        activity: null,
        status: 'RUNNING',
        createdAt: start + i * 30 * 60_000,
        startedAt: start + i * 30 * 60_000 + 90_000,
        finishedAt: start + i * 30 * 60_000 + 20 * 60_000,
      })),
      notes: [{ hostId: 'bot-01', at: start + 90_000, kind: 'ready', message: null }],
    };
    await go(href('cost'), 'Cost');
    await page().locator('.recharts-bar-rectangle').first().waitFor();
    const summary = await page().getByTestId('cost-summary').innerText();
    expect(summary).toMatch(/\d+ % fewer VM-hours than always on; 2\.00 VM-hours, 1 start,/);
    expect(await page().getByText('2 tasks; wait mean 90 s, p95 90 s.').count()).toBe(1);
    expect(
      await page()
        .getByText(/^Most in a day: 2\.00 VM-hours on \d{4}-\d\d-\d\d\.$/)
        .count(),
    ).toBe(1);
    await screenshot(page(), 'cost');
    await page().getByText('Per automation').click();
    await page()
      .getByText(/automations; a host's time is shared by the automations/)
      .waitFor();

    await page()
      .getByRole('textbox', { name: /Idle grace/ })
      .fill('2');
    await click('Replay');
    const table = page().getByTestId('whatif-table');
    await table.waitFor();
    const text = await table.innerText();
    for (const column of ['Recorded', 'Current settings', 'These settings', 'Optimum'])
      expect(text).toContain(column);
    expect(text).toMatch(/VM-hours\s+2\.00/);
  });

  it('saves settings with the schema rules and sends a test notification', async () => {
    // A switch, toggled from the keyboard as a person at the keyboard would.
    const toggle = async (name: string) => {
      await page().getByRole('switch', { name }).focus();
      await page().keyboard.press('Space');
    };
    await go(href('settings'), 'Settings');
    const idle = page().getByRole('textbox', { name: /Idle grace/ });
    await idle.fill('20');
    // The strategy, with what it means said under it.
    await page().getByLabel('Strategy', { exact: true }).first().click();
    await page().getByRole('option', { name: 'Speed' }).click();
    await page()
      .getByText(/Tasks should not wait: hosts stay warm through working hours/)
      .waitFor();
    await click('Add a window');
    await click('Save policies');
    await page().getByText('Saved').first().waitFor();
    expect(manager.configStore.load().policy).toMatchObject({
      strategy: 'speed',
      idleGraceMinutes: 20,
      keepWarm: [expect.objectContaining({ from: '08:00', to: '18:00' })],
    });

    // A monthly budget that holds starts when spent, then turned off again.
    await toggle('Monthly budget');
    await page()
      .getByRole('textbox', { name: /^Limit \(USD\)/ })
      .fill('800');
    await page().getByLabel('When spent', { exact: true }).first().click();
    await page().getByRole('option', { name: 'Start hosts only for urgent tasks' }).click();
    await page()
      .getByRole('textbox', { name: /Urgent: priority at least/ })
      .fill('8');
    await click('Save policies');
    await expect
      .poll(() => manager.configStore.load().policy.monthlyBudget)
      .toEqual({ amount: 800, unit: 'money', whenSpent: 'hold-starts', minPriority: 8 });
    await toggle('Monthly budget');
    await click('Save policies');
    await expect.poll(() => manager.configStore.load().policy.monthlyBudget).toBeUndefined();

    await page().getByLabel('Webhook URL').fill('not a url');
    await click('Save notifications');
    await page().getByText('a URL like https://hooks.slack.com/services/…').waitFor();
    await page().getByLabel('Webhook URL').fill('https://hooks.example.com/services/T000/B000/XXXX');
    await click('Save notifications');
    // Write-only, like a password: the URL goes to the keychain, the field empties, the file holds a ref.
    await page().getByText('Stored in the keychain (https://hooks.example.com/…)').waitFor();
    expect(await page().getByLabel('Webhook URL').inputValue()).toBe('');
    expect(await manager.secrets.get('webhook-url:default')).toBe(
      'https://hooks.example.com/services/T000/B000/XXXX',
    );
    expect(manager.configStore.load().notifications.webhook).toEqual({
      url: 'webhook-url:default',
      format: 'json',
    });
    await click('Test webhook');
    await page().getByTestId('notification-test-results').filter({ hasText: 'webhook: sent' }).waitFor();
    expect(manager.notified).toContain('webhook');
    expect(await page().content()).not.toContain('XXXX');

    // Several instances: the shared database's URL (never with its password) and the password apart.
    await page().getByLabel('PostgreSQL URL').fill('postgres://sm:CANARY-pg@db.example.com/session_manager');
    await click('Save shared fleet');
    await page()
      .getByText(/a PostgreSQL URL without a password/)
      .waitFor();
    await page().getByLabel('PostgreSQL URL').fill('postgres://sm@db.example.com:5432/session_manager');
    await click('Save shared fleet');
    await page().getByText('the database password is needed').waitFor();
    await page().getByLabel('Database password').fill('CANARY-pg-password');
    await click('Save shared fleet');
    await page()
      .getByRole('region', { name: 'Shared fleet' })
      .getByText('Stored in the keychain: leave empty to keep it.')
      .waitFor();
    expect(await page().getByLabel('Database password').inputValue()).toBe('');
    expect(await manager.secrets.get('coordination-password:main')).toBe('CANARY-pg-password');
    expect(manager.configStore.load().coordination).toEqual({
      postgres: {
        url: 'postgres://sm@db.example.com:5432/session_manager',
        password: 'coordination-password:main',
      },
      leaseSeconds: 10,
    });
    expect(await page().content()).not.toContain('CANARY-pg-password');
    await screenshot(page(), 'settings');
    expect(await seriousA11yViolations(page())).toEqual([]);
  });

  it('offers Retry on a failed host, and the service is asked for exactly that host', async () => {
    await go(href('overview'), 'Overview');
    manager.setHost('bot-01', {
      power: 'off',
      stage: 'failed',
      lastError: 'bot-01 could not be started (UnauthorizedOperation; 1 attempt)',
    });
    const retry = card().getByRole('button', { name: 'Retry' });
    await retry.waitFor();
    await retry.click();
    await expect.poll(() => manager.retried).toEqual(['bot-01']);
    await card().getByRole('button', { name: 'Retry' }).waitFor({ state: 'detached' });
  });

  it('shows a host whose power state cannot be read apart, with its cloud error and what to do', async () => {
    await go(href('overview'), 'Overview');
    manager.setHost('bot-01', {
      power: 'unknown',
      stage: 'off',
      lastError: 'EC2 eu-west-1: AuthFailure: AWS was not able to validate the provided access credentials',
      cloudError: {
        kind: 'auth',
        message: 'EC2 eu-west-1: AuthFailure: AWS was not able to validate the provided access credentials',
        hint: "AWS refused the credentials: check the host's access key (or profile / default chain) and store the key again.",
      },
    });
    await page().getByTestId('hosts-unknown').getByText('1').waitFor();
    const hint = card().getByTestId('cloud-error-hint');
    await hint.getByText('Credentials refused.').waitFor();
    expect(await hint.textContent()).toContain("check the host's access key");
    // Shown in full: the error is not cut short.
    expect(await card().getByTestId('last-error').textContent()).toContain('provided access credentials');
    manager.setHost('bot-01', { power: 'off', stage: 'off', lastError: undefined, cloudError: undefined });
    await page().getByTestId('hosts-unknown').waitFor({ state: 'detached' });
  });

  it('pauses and resumes from the header', async () => {
    await go(href('overview'), 'Overview');
    await click('Pause');
    await page().getByRole('button', { name: 'Resume', exact: true }).waitFor();
    expect(manager.paused).toBe(true);
    await click('Resume');
    await page().getByRole('button', { name: 'Pause', exact: true }).waitFor();
    expect(manager.paused).toBe(false);
  });

  it('is keyboard navigable: skip link, then views by their links', async () => {
    await page().reload();
    await page().getByRole('heading', { level: 2, name: 'Overview' }).waitFor();
    await page().keyboard.press('Tab');
    expect(await page().evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page().keyboard.press('Enter');
    expect(await page().evaluate(() => document.activeElement?.id)).toBe('main');
    await page().getByRole('link', { name: 'Event log' }).focus();
    await page().keyboard.press('Enter');
    await page().getByRole('heading', { level: 2, name: 'Event log' }).waitFor();
  });

  it('has no serious accessibility violations on any view, light or dark', async () => {
    const views: [string, string][] = [
      [href('overview'), 'Overview'],
      [href('hosts'), 'Hosts'],
      [href('hosts', 'new'), 'Add a host'],
      [href('hosts', 'edit', 'bot-01'), 'Edit host bot-01'],
      [href('runners'), 'Runners'],
      [href('runners', 'new'), 'Attach a runner'],
      [href('sessions'), 'Live sessions'],
      [href('events'), 'Event log'],
      [href('cost'), 'Cost'],
      [href('settings'), 'Settings'],
    ];
    const found: Record<string, unknown> = {};
    // Dark mode: the views whose components differ (cards, forms, tables, charts).
    const darkViews = new Set([
      href('overview'),
      href('hosts', 'new'),
      href('runners', 'new'),
      href('events'),
      href('cost'),
      href('settings'),
    ]);
    for (const scheme of ['light', 'dark'] as const) {
      await page().emulateMedia({ colorScheme: scheme });
      await page().evaluate((s) => localStorage.setItem('mantine-color-scheme-value', s), scheme);
      await page().reload();
      for (const [hash, heading] of views) {
        if (scheme === 'dark' && !darkViews.has(hash)) continue;
        await go(hash, heading);
        const violations = await seriousA11yViolations(page());
        if (violations.length) found[`${scheme} ${hash}`] = violations;
        if (scheme === 'dark' && (hash === href('overview') || hash === href('cost')))
          await screenshot(page(), `${hash.replace(/\W+/g, '')}-dark`);
      }
    }
    writeFileSync(path.join(screenshotDir, '..', 'a11y.json'), JSON.stringify(found, undefined, 1));
    expect(JSON.stringify(found, undefined, 1)).toBe('{}');
  }, 180_000);

  it('is usable at 390 px wide (a phone): no view scrolls sideways', async () => {
    const views: [string, string][] = [
      [href('overview'), 'Overview'],
      [href('hosts'), 'Hosts'],
      [href('hosts', 'new'), 'Add a host'],
      [href('runners'), 'Runners'],
      [href('sessions'), 'Live sessions'],
      [href('events'), 'Event log'],
      [href('cost'), 'Cost'],
      [href('settings'), 'Settings'],
    ];
    const before = page().viewportSize()!;
    await page().setViewportSize({ width: 390, height: 844 });
    try {
      const wide: Record<string, number> = {};
      for (const [hash, heading] of views) {
        await go(hash, heading);
        const width = await page().evaluate(() => document.documentElement.scrollWidth);
        if (width > 390) wide[hash] = width;
      }
      await go(href('overview'), 'Overview');
      await screenshot(page(), 'overview-390');
      expect(wide).toEqual({});
      // The header's budget and its Pause button stay on screen, not cut off at the edge.
      const header = page().getByTestId('status-header').locator('xpath=..');
      for (const target of [
        page().getByTestId('hosts-on'),
        page().getByRole('button', { name: 'Pause' }),
        header.locator(':scope > *').last(),
      ]) {
        const box = (await target.boundingBox())!;
        expect(box.x + box.width).toBeLessThanOrEqual(390);
      }
    } finally {
      await page().setViewportSize(before);
    }
  });

  it('logged no page errors (CSP, React) along the way', () => {
    expect(console_.pageErrors).toEqual([]);
  });
});
