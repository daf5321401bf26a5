import net from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startApiServer, type RunningApiServer } from '../../../src-main/api/server.js';
import type { ManagerPort } from '../../../src-main/api/manager-port.js';
import { buildRendererOnce } from './build-renderer.js';
import { collectPageErrors, launchChromium } from './browser.js';

/** The real API server serving the built console over a ManagerPort, and a Chromium page on it. */
export interface Console {
  server: RunningApiServer;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  pageErrors: string[];
  token: string;
  close(): Promise<void>;
}

export async function openConsole(port: ManagerPort, token = 'e2e-token-0123456789abcdef'): Promise<Console> {
  const staticDir = await buildRendererOnce();
  const server = await startApiServer({ port, token, staticDir, listenPort: 0, heartbeatMs: 1000 });
  const browser = await launchChromium();
  const context = await browser.newContext({
    viewport: { width: 1360, height: 900 },
    colorScheme: 'light',
    reducedMotion: 'reduce',
  });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const pageErrors = collectPageErrors(page);
  return {
    server,
    browser,
    context,
    page,
    pageErrors,
    token,
    async close() {
      await context.close().catch(() => undefined);
      await browser.close().catch(() => undefined);
      await server.close();
    },
  };
}

/** A TCP listener standing in for an RDP port that answers, and a port where nothing listens. */
export async function tcpPorts(): Promise<{ open: number; closed: number; close(): Promise<void> }> {
  const listen = () =>
    new Promise<net.Server>((resolve) => {
      const server = net.createServer((socket) => socket.destroy());
      server.listen(0, '127.0.0.1', () => resolve(server));
    });
  const open = await listen();
  const spare = await listen();
  const closed = (spare.address() as net.AddressInfo).port;
  await new Promise((resolve) => spare.close(resolve));
  return {
    open: (open.address() as net.AddressInfo).port,
    closed,
    close: () => new Promise((resolve) => open.close(() => resolve())),
  };
}
