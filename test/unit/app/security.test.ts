import { describe, expect, it } from 'vitest';
import { appContentSecurityPolicy, withContentSecurityPolicy } from '../../../src-main/app/security/csp.js';
import { createNavigationGuards } from '../../../src-main/app/security/navigation-guards.js';
import {
  externalAllowList,
  externalLinkDecision,
  navigationAllowed,
  requestAllowed,
} from '../../../src-main/app/security/navigation.js';
import { windowOptions } from '../../../src-main/app/window/window-options.js';

const pageUrl = 'file:///opt/sm/resources/app.asar/dist-renderer/index.html';
const rendererDirUrl = 'file:///opt/sm/resources/app.asar/dist-renderer/';

describe('BrowserWindow options', () => {
  const options = windowOptions({
    preloadPath: '/opt/sm/resources/app.asar/dist-app/preload.cjs',
    iconPath: '/opt/sm/icon.png',
    platform: 'linux',
    devTools: false,
  });

  it('isolate and sandbox the page, with no Node anywhere in it', () => {
    expect(options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      devTools: false,
      preload: '/opt/sm/resources/app.asar/dist-app/preload.cjs',
    });
    expect(options.webPreferences).not.toHaveProperty('enableBlinkFeatures');
    expect(options.webPreferences).not.toHaveProperty('additionalArguments');
  });

  it('wait for the first paint and take the icon except on macOS', () => {
    expect(options.show).toBe(false);
    expect(options.icon).toBe('/opt/sm/icon.png');
    const mac = windowOptions({ preloadPath: '/p', iconPath: '/i', platform: 'darwin', devTools: true });
    expect(mac).not.toHaveProperty('icon');
    expect(mac.webPreferences?.devTools).toBe(true);
    expect(mac.webPreferences?.sandbox).toBe(true);
  });
});

describe('content security policy', () => {
  const directives = new Map(
    appContentSecurityPolicy.split('; ').map((directive) => {
      const [name, ...values] = directive.split(' ');
      return [name!, values.join(' ')];
    }),
  );

  it('allows only our own scripts and no connection, frame, object or worker at all', () => {
    expect(directives.get('default-src')).toBe("'none'");
    expect(directives.get('script-src')).toBe("'self'");
    expect(directives.get('connect-src')).toBe("'none'");
    for (const name of [
      'object-src',
      'frame-src',
      'worker-src',
      'base-uri',
      'form-action',
      'frame-ancestors',
    ])
      expect(directives.get(name), name).toBe("'none'");
    expect(appContentSecurityPolicy).not.toMatch(/unsafe-eval|https?:|\*/);
  });

  it('replaces any CSP header the response carried, whatever its case', () => {
    const headers = withContentSecurityPolicy({
      'content-security-policy': ['default-src *'],
      'X-Other': ['1'],
    });
    expect(headers).toEqual({ 'X-Other': ['1'], 'Content-Security-Policy': [appContentSecurityPolicy] });
    expect(withContentSecurityPolicy(undefined)).toEqual({
      'Content-Security-Policy': [appContentSecurityPolicy],
    });
  });
});

describe('external links', () => {
  const allow = externalAllowList('https://acme.botcity.example/');

  it.each([
    ['https://documentation.botcity.dev/maestro/', true],
    ['https://botcity.dev/', true],
    ['https://github.com/botcity-dev', true],
    ['https://eu-west-1.console.aws.amazon.com/ec2/home', true],
    ['https://portal.azure.com/#home', true],
    ['https://acme.botcity.example/maestro', true],
    ['http://github.com/', false],
    ['file:///etc/passwd', false],
    ['javascript:alert(1)', false],
    ['https://user:pw@github.com/', false],
    ['https://github.com.evil.example/', false],
    ['https://evilbotcity.dev/', false],
    ['https://example.com/', false],
    ['not a url', false],
  ])('%s → %s', (url, open) => {
    expect(externalLinkDecision(url, allow).open).toBe(open);
  });

  it('adds the orchestrator host only when it is https', () => {
    expect(externalAllowList('http://maestro.local')).not.toContain('maestro.local');
    expect(externalAllowList('https://maestro.local')).toContain('maestro.local');
    expect(externalAllowList('nonsense')).toEqual(externalAllowList());
  });
});

describe('navigation and requests', () => {
  it('lets the window show only our page', () => {
    expect(navigationAllowed(`${pageUrl}#/runners`, pageUrl)).toBe(true);
    expect(navigationAllowed('https://github.com/', pageUrl)).toBe(false);
    expect(navigationAllowed('file:///etc/passwd', pageUrl)).toBe(false);
  });

  it.each([
    [`${rendererDirUrl}assets/index-abc.js`, true],
    [`${rendererDirUrl}index.html`, true],
    ['blob:file:///1234-5678', true],
    ['data:image/png;base64,AAAA', true],
    ['devtools://devtools/bundled/inspector.html', true],
    [`${rendererDirUrl}../dist-app/preload.cjs`, false],
    [`${rendererDirUrl}%2e%2e/secret.txt`, false],
    ['file:///etc/passwd', false],
    ['https://cdn.example.com/x.js', false],
    ['http://127.0.0.1:7870/api/state', false],
    ['ws://127.0.0.1:1/', false],
  ])('request %s → %s', (url, allowed) => {
    expect(requestAllowed(url, rendererDirUrl)).toBe(allowed);
  });

  it('guards: navigation away is cancelled, an allowed link opens in the browser, windows are denied', () => {
    const opened: string[] = [];
    const blocked: string[] = [];
    const guards = createNavigationGuards({
      pageUrl,
      allowList: () => externalAllowList(),
      openExternal: (url) => opened.push(url),
      onBlocked: (url) => blocked.push(url),
    });
    const event = (url = '') => {
      const e = { url, prevented: false, preventDefault: () => void (e.prevented = true) };
      return e;
    };

    const link = event();
    guards.willNavigate(link, 'https://github.com/x');
    expect(link.prevented).toBe(true);
    const reload = event();
    guards.willNavigate(reload, pageUrl);
    expect(reload.prevented).toBe(false);
    const redirect = event();
    guards.willRedirect(redirect, 'https://github.com/y');
    expect(redirect.prevented).toBe(true);
    const frame = event('https://evil.example/');
    guards.willFrameNavigate(frame);
    expect(frame.prevented).toBe(true);
    expect(guards.windowOpen({ url: 'https://portal.azure.com/' })).toEqual({ action: 'deny' });
    expect(guards.windowOpen({ url: 'http://evil.example/' })).toEqual({ action: 'deny' });
    const webview = event();
    guards.attachWebview(webview);
    expect(webview.prevented).toBe(true);

    expect(opened).toEqual(['https://github.com/x', 'https://portal.azure.com/']);
    expect(blocked).toEqual(['http://evil.example/']);
  });
});
