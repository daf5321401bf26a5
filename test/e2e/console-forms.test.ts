import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSessionManagerApi } from '../../src-main/api/handlers.js';
import type { HostConfig } from '../../src-main/config/schema.js';
import { buildSinks } from '../../src-main/notifications/build-sinks.js';
import { NotificationDispatcher } from '../../src-main/notifications/dispatcher.js';
import { href } from '../../src-renderer/lib/route.js';
import { startSmtp } from '../integration/notifications/receivers.js';
import { collectApiReplies, consoleActions, screenshot, seriousA11yViolations } from './helpers/browser.js';
import { openConsole, tcpPorts, type Console } from './helpers/console-fixture.js';
import { ScriptedManager } from './helpers/scripted-manager.js';

/**
 * The console's forms in Chromium against the real API server over the scripted manager: editing a
 * runner (its own Windows user and password, then back to the host's), email notification settings
 * delivered through the real email sink to an SMTP server on 127.0.0.1, and the host wizard's Azure VM
 * path with a scripted cloud check. Secrets must reach the keychain and never come back to the page.
 */

const hostPassword = 'H0st-Passw0rd!forms';
const runnerPassword = 'Runn3r-Own-Passw0rd!';
const smtpUser = 'alerts';
const smtpPassword = 'Smtp-Passw0rd!forms';
const azureSecret = 'azure~client~secret~Q8x.forms';
const subscriptionId = '1b2c3d4e-5f60-4718-9a0b-1c2d3e4f5a6b';
const tenantId = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const clientId = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const knownVm = 'vm-bot-01';

describe('console forms over a scripted manager', () => {
  let manager: ScriptedManager;
  let console_: Console;
  let ports: Awaited<ReturnType<typeof tcpPorts>>;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let replies: ReturnType<typeof collectApiReplies>;
  /** The plain client secrets the scripted Azure check was given, through the test's SecretReader. */
  const azureSecretsSeen: (string | undefined)[] = [];

  beforeAll(async () => {
    manager = new ScriptedManager();
    ports = await tcpPorts();
    // Plain SMTP (no STARTTLS) with a login: the sink must log in with the password the form stored.
    smtp = await startSmtp({
      user: smtpUser,
      password: smtpPassword,
      allowInsecureAuth: true,
      disabledCommands: ['STARTTLS'],
    });
    // Test notifications go through the real sinks built from the config the UI wrote, as the service does.
    manager.scriptTestNotification = (sink) =>
      new NotificationDispatcher({
        sinks: buildSinks(manager.configStore.load().notifications, { secrets: manager.secrets }),
        report: () => undefined,
        sendTimeoutMs: 10_000,
      }).sendTest(sink);
    // The scripted Azure: one VM it knows, reachable only with the right client secret.
    manager.scriptCloudCheck = async (host, secrets) => {
      const azure = host.azure;
      if (!azure) return { ok: true, skipped: true };
      const secret = await secrets.get(azure.clientSecret ?? '');
      azureSecretsSeen.push(secret);
      if (secret !== azureSecret) return { ok: false, error: 'AADSTS7000215: invalid client secret' };
      if (azure.vmName !== knownVm)
        return {
          ok: false,
          error: `ResourceNotFound: the VM ${azure.vmName} does not exist in resource group ${azure.resourceGroup}`,
        };
      return { ok: true, detail: `${azure.vmName} is deallocated` };
    };

    // One RDP host with one runner, written through the API as the CLI or another console would.
    const api = createSessionManagerApi(manager);
    await api.addHost({
      id: 'bot-01',
      address: `127.0.0.1:${ports.open}`,
      protocol: 'rdp',
      user: 'botuser',
      password: hostPassword,
    });
    await api.attachRunner({ id: 'fin-01', host: 'bot-01' });

    console_ = await openConsole(manager);
    replies = collectApiReplies(console_.page);
    await console_.page.goto(console_.server.consoleUrl);
    await console_.page.getByRole('heading', { level: 2, name: 'Overview' }).waitFor();
  }, 120_000);

  afterAll(async () => {
    await console_?.close();
    await smtp?.close();
    await ports?.close();
    manager?.dispose();
  });

  const page = () => console_.page;
  const { go, click } = consoleActions(page);
  const runnerRow = () => page().getByTestId('runner-fin-01');
  const storedRunner = () => manager.configStore.load().runners.find((r) => r.id === 'fin-01');

  it('edits a runner: its screen size, its own Windows user and password, then back to the host user', async () => {
    await go(href('runners'), 'Runners');
    await runnerRow().filter({ hasText: '1920 × 1080' }).waitFor();
    await page().getByRole('link', { name: 'Edit fin-01' }).click();
    await page().getByRole('heading', { level: 2, name: 'Edit runner fin-01' }).waitFor();
    expect(await page().locator('#runner-id').isDisabled()).toBe(true);
    expect(await page().locator('#runner-width').inputValue()).toBe('1920');

    await page().locator('#runner-width').fill('1366');
    await page().locator('#runner-height').fill('768');
    // The user rule is the schema's: a domain goes in its own field.
    await page().locator('#runner-user').fill('CORP\\finbot');
    await page().locator('#runner-domain').click();
    await page().getByText('a Windows user name without domain').waitFor();
    expect(await page().locator('#runner-user').getAttribute('aria-invalid')).toBe('true');
    await page().locator('#runner-user').fill('finbot');
    await page().locator('#runner-domain').fill('CORP');
    await page().locator('#runner-password').fill(runnerPassword);
    await click('Save changes');

    await runnerRow().filter({ hasText: '1366 × 768' }).filter({ hasText: 'as finbot' }).waitFor();
    expect(storedRunner()).toEqual({
      id: 'fin-01',
      host: 'bot-01',
      sessionMode: 'rdp',
      user: 'finbot',
      domain: 'CORP',
      password: 'runner-password:fin-01',
      width: 1366,
      height: 768,
      activities: [],
    });
    expect(await manager.secrets.get('runner-password:fin-01')).toBe(runnerPassword);
    expect(JSON.stringify(manager.configStore.load())).not.toContain(runnerPassword);

    // Reopened: the user is there, the password is not (only "stored").
    await page().getByRole('link', { name: 'Edit fin-01' }).click();
    await page().getByRole('heading', { level: 2, name: 'Edit runner fin-01' }).waitFor();
    await page().getByText('Stored in the keychain: leave empty to keep it.').waitFor();
    expect(await page().locator('#runner-user').inputValue()).toBe('finbot');
    expect(await page().locator('#runner-password').inputValue()).toBe('');
    expect(await page().content()).not.toContain(runnerPassword);
    await screenshot(page(), 'runner-edit-own-user');
    expect(await seriousA11yViolations(page())).toEqual([]);

    // Saving without typing the password keeps it.
    await page().locator('#runner-width').fill('1280');
    await page().locator('#runner-height').fill('1024');
    await click('Save changes');
    await runnerRow().filter({ hasText: '1280 × 1024' }).waitFor();
    expect(storedRunner()).toMatchObject({ user: 'finbot', password: 'runner-password:fin-01' });
    expect(await manager.secrets.get('runner-password:fin-01')).toBe(runnerPassword);

    // Back to the host's user: the runner's own user, domain and password all go.
    await page().getByRole('link', { name: 'Edit fin-01' }).click();
    await page().getByRole('heading', { level: 2, name: 'Edit runner fin-01' }).waitFor();
    await page().locator('#runner-user').fill('');
    await page().locator('#runner-domain').fill('');
    // A password alone would be used with the host's user: the form refuses it.
    await page().locator('#runner-password').fill('stray-password');
    await click('Save changes');
    await page().getByText("a password goes with the runner's own user").waitFor();
    expect(storedRunner()).toMatchObject({ user: 'finbot' });
    await page().locator('#runner-password').fill('');
    await click('Save changes');
    await runnerRow().filter({ hasNotText: 'as finbot' }).filter({ hasText: 'Own RDP session' }).waitFor();
    expect(storedRunner()).toEqual({
      id: 'fin-01',
      host: 'bot-01',
      sessionMode: 'rdp',
      width: 1280,
      height: 1024,
      activities: [],
    });
    // The session now logs on as the host's user with the host's password: the runner's is gone.
    expect(await manager.secrets.get('runner-password:fin-01')).toBeUndefined();
    expect(await manager.secrets.get('host-password:bot-01')).toBe(hostPassword);
    await page().getByRole('link', { name: 'Edit fin-01' }).click();
    await page().getByRole('heading', { level: 2, name: 'Edit runner fin-01' }).waitFor();
    await page().locator('#runner-password').waitFor();
    expect(await page().getByText('Stored in the keychain').count()).toBe(0);
    await go(href('runners'), 'Runners');
  });

  it('saves email notification settings, shows them after a reload, and a test mail arrives', async () => {
    await go(href('settings'), 'Settings');
    const panel = page().getByRole('region', { name: 'Notifications' });
    await panel.getByLabel('SMTP server', { exact: true }).fill('127.0.0.1');
    await panel.getByRole('textbox', { name: 'Port', exact: true }).fill(String(smtp.port));
    await panel.getByLabel('Security', { exact: true }).click();
    await page().getByRole('option', { name: 'None', exact: true }).click();
    await panel.getByLabel('SMTP user', { exact: true }).fill(smtpUser);
    await panel.getByLabel('SMTP password', { exact: true }).fill(smtpPassword);
    await panel.getByLabel('From', { exact: true }).fill('not an address');
    const to = panel.getByLabel('To', { exact: true });
    await to.fill('ops@example.com');
    await to.press('Enter');

    // The schema's rule, next to the field, and nothing saved.
    await click('Save notifications');
    await panel.getByText('Invalid email address').waitFor();
    expect(manager.configStore.load().notifications.email).toBeUndefined();
    await panel.getByLabel('From', { exact: true }).fill('session-manager@example.com');
    await click('Save notifications');
    await panel.getByText('✓ Saved').waitFor();
    expect(await panel.getByLabel('SMTP password', { exact: true }).inputValue()).toBe('');
    expect(manager.configStore.load().notifications.email).toEqual({
      host: '127.0.0.1',
      port: smtp.port,
      security: 'none',
      user: smtpUser,
      password: 'smtp-password:default',
      from: 'session-manager@example.com',
      to: ['ops@example.com'],
    });
    expect(await manager.secrets.get('smtp-password:default')).toBe(smtpPassword);

    // A reload shows what the service stored; the password only as "stored".
    await page().reload();
    await page().getByRole('heading', { level: 2, name: 'Settings' }).waitFor();
    const reloaded = page().getByRole('region', { name: 'Notifications' });
    await reloaded.getByText('Stored in the keychain: leave empty to keep it.').waitFor();
    expect(await reloaded.getByLabel('SMTP server', { exact: true }).inputValue()).toBe('127.0.0.1');
    expect(await reloaded.getByRole('textbox', { name: 'Port', exact: true }).inputValue()).toBe(
      String(smtp.port),
    );
    expect(await reloaded.getByLabel('Security', { exact: true }).inputValue()).toBe('None');
    expect(await reloaded.getByLabel('SMTP user', { exact: true }).inputValue()).toBe(smtpUser);
    expect(await reloaded.getByLabel('SMTP password', { exact: true }).inputValue()).toBe('');
    expect(await reloaded.getByLabel('From', { exact: true }).inputValue()).toBe(
      'session-manager@example.com',
    );
    await reloaded.getByText('ops@example.com', { exact: true }).waitFor();
    expect(await page().content()).not.toContain(smtpPassword);

    // A second recipient, saved with the password left empty: the stored one is kept and used.
    const toAgain = reloaded.getByLabel('To', { exact: true });
    await toAgain.fill('oncall@example.com');
    await toAgain.press('Enter');
    await click('Save notifications');
    await reloaded.getByText('✓ Saved').waitFor();
    expect(manager.configStore.load().notifications.email).toMatchObject({
      password: 'smtp-password:default',
      to: ['ops@example.com', 'oncall@example.com'],
    });
    expect(await manager.secrets.get('smtp-password:default')).toBe(smtpPassword);

    await click('Test email');
    await page().getByTestId('notification-test-results').filter({ hasText: 'email: sent' }).waitFor();
    expect(manager.notified).toEqual(['email']);
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]).toMatchObject({
      from: 'session-manager@example.com',
      to: ['ops@example.com', 'oncall@example.com'],
      user: smtpUser,
    });
    expect(smtp.mails[0]!.raw).toContain('Test notification from Session Manager');
    await screenshot(page(), 'settings-email');
    expect(await seriousA11yViolations(page())).toEqual([]);
  });

  it('adds an Azure VM host through the wizard: GUID rules, a failing then passing test, secret as a ref', async () => {
    await go(href('hosts', 'new'), 'Add a host');
    await page().getByTestId('protocol-azure-vm').click();
    await click('Next');

    await page().locator('#host-id').fill('az-01');
    await page().locator('#host-address').fill(`127.0.0.1:${ports.open}`);
    await page().locator('#host-azure-subscriptionId').fill('not-a-guid');
    await page().locator('#host-azure-resourceGroup').fill('rg-bots');
    await page().locator('#host-azure-vmName').fill('vm-bot-1');
    await click('Next');
    const guidRule = 'a GUID like 00000000-0000-0000-0000-000000000000';
    await page().getByText(guidRule).waitFor();
    expect(await page().locator('#host-azure-subscriptionId').getAttribute('aria-invalid')).toBe('true');
    // Focus goes to the field that is wrong.
    expect(await page().evaluate(() => document.activeElement?.id)).toBe('host-azure-subscriptionId');
    await screenshot(page(), 'wizard-azure-bad-guid');
    // Field errors are readable (4.5:1) in both schemes; the page follows the system's scheme.
    expect(await seriousA11yViolations(page())).toEqual([]);
    await page().emulateMedia({ colorScheme: 'dark' });
    await page().locator('html[data-mantine-color-scheme="dark"]').waitFor({ state: 'attached' });
    expect(await seriousA11yViolations(page())).toEqual([]);
    await page().emulateMedia({ colorScheme: 'light' });
    await page().locator('html[data-mantine-color-scheme="light"]').waitFor({ state: 'attached' });
    await page().locator('#host-azure-subscriptionId').fill(subscriptionId);
    await click('Next');

    // Credentials: client-secret auth needs its tenant, client and secret (shown on the client id).
    await page().locator('#host-user').fill('botuser');
    await page().locator('#host-password').fill(hostPassword);
    await page().getByText('Client secret', { exact: true }).click();
    await page().locator('#host-azure-tenantId').fill('tenant-name');
    await page().locator('#host-azure-clientId').click();
    await page().getByText(guidRule).waitFor();
    await page().locator('#host-azure-tenantId').fill(tenantId);
    await click('Next');
    await page().getByText('client-secret auth needs tenantId, clientId and clientSecret').waitFor();
    await page().locator('#host-azure-clientId').fill(clientId);
    await page().locator('#host-azure-clientSecret').fill(azureSecret);
    await screenshot(page(), 'wizard-azure-credentials');
    expect(await seriousA11yViolations(page())).toEqual([]);
    await click('Next');
    await click('Add a runner');
    await page().locator('#host-runners-0-id').fill('az-runner-01');
    await click('Next');

    // The test: a VM the subscription does not have, said in words; the secret was used for the test only.
    await click('Test connection');
    const cloud = page().getByTestId('test-cloud');
    await cloud.filter({ hasText: 'Cloud: failed' }).waitFor();
    expect(await cloud.innerText()).toContain(
      'ResourceNotFound: the VM vm-bot-1 does not exist in resource group rg-bots',
    );
    await page().getByTestId('test-rdp').filter({ hasText: 'RDP: passed' }).waitFor();
    expect(await manager.secrets.get('azure-secret:az-01')).toBeUndefined();

    await page()
      .getByRole('button', { name: /Connection/ })
      .first()
      .click();
    await page().locator('#host-azure-vmName').fill(knownVm);
    for (let i = 0; i < 3; i++) await click('Next');
    await click('Test connection');
    await cloud.filter({ hasText: 'Cloud: passed' }).waitFor();
    expect(await cloud.innerText()).toContain('vm-bot-01 is deallocated');
    const tested = manager.cloudChecks.at(-1)!;
    expect(tested.azure).toEqual({
      subscriptionId,
      resourceGroup: 'rg-bots',
      vmName: knownVm,
      auth: 'client-secret',
      tenantId,
      clientId,
      clientSecret: 'azure-secret:az-01',
    });
    expect(azureSecretsSeen).toEqual([azureSecret, azureSecret]);
    expect(JSON.stringify(manager.cloudChecks)).not.toContain(azureSecret);

    await click('Next');
    const summary = page().getByRole('table', { name: 'Summary' });
    // Every field is listed: the VM, its resource group and subscription, the tenant and client.
    await summary.getByRole('row', { name: /^VM\s*vm-bot-01$/ }).waitFor();
    for (const label of [
      'Resource group',
      'Subscription',
      'Tenant',
      'Client id',
      'Display name',
      'New runners',
    ])
      expect(await summary.getByRole('row', { name: new RegExp(`^${label}`) }).count(), label).toBe(1);
    expect(await summary.getByRole('row', { name: /^Resource group/ }).textContent()).toContain('rg-bots');
    // The secret shows only as what will happen to it.
    const secretRow = summary.getByRole('row', { name: /Azure client secret/ });
    expect(await secretRow.textContent()).toContain('will be stored in the keychain');
    expect(await summary.textContent()).not.toContain(azureSecret);
    await click('Save host');
    await page().getByTestId('host-row-az-01').waitFor();

    const host = manager.configStore.load().hosts.find((h) => h.id === 'az-01');
    expect(host).toEqual<HostConfig>({
      id: 'az-01',
      address: `127.0.0.1:${ports.open}`,
      protocol: 'azure-vm',
      maxSessions: 1,
      user: 'botuser',
      password: 'host-password:az-01',
      powerOffUnmanaged: false,
      azure: {
        subscriptionId,
        resourceGroup: 'rg-bots',
        vmName: knownVm,
        auth: 'client-secret',
        tenantId,
        clientId,
        clientSecret: 'azure-secret:az-01',
      },
    });
    expect(await manager.secrets.get('azure-secret:az-01')).toBe(azureSecret);
    expect(await manager.secrets.get('host-password:az-01')).toBe(hostPassword);
    expect(manager.configStore.load().runners).toContainEqual(
      expect.objectContaining({ id: 'az-runner-01', host: 'az-01' }),
    );
    expect(JSON.stringify(manager.configStore.load())).not.toContain(azureSecret);

    // Reopened for editing: the secret field is empty and says it is kept.
    await go(href('hosts', 'edit', 'az-01'), 'Edit host az-01');
    await page()
      .getByRole('button', { name: /Credentials/ })
      .first()
      .click();
    await page().locator('#host-azure-clientSecret').waitFor();
    expect(await page().locator('#host-azure-clientSecret').inputValue()).toBe('');
    expect(await page().locator('#host-azure-tenantId').inputValue()).toBe(tenantId);
    expect(await page().getByText('Stored in the keychain: leave empty to keep it.').count()).toBe(2);
    expect(await page().content()).not.toContain(azureSecret);
    await go(href('hosts'), 'Hosts');
  });

  it('never sent a secret back to the page, and logged no page errors', async () => {
    const bodies = await replies.bodies();
    // The replies the flows above depend on were all seen (so the check below covered them).
    const expected = [
      'GET /api/runners 200',
      'PATCH /api/runners/fin-01 200',
      'GET /api/settings 200',
      'PATCH /api/settings 200',
      'POST /api/notifications/test 200',
      'POST /api/hosts/test 200',
      'POST /api/hosts 201',
      'GET /api/hosts 200',
    ];
    expect(expected.filter((reply) => !bodies.some((body) => body.startsWith(reply)))).toEqual([]);
    for (const secret of [hostPassword, runnerPassword, smtpPassword, azureSecret])
      expect(bodies.filter((body) => body.includes(secret))).toEqual([]);
    expect(console_.pageErrors).toEqual([]);
  });
});
