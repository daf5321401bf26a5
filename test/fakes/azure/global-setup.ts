import { rmSync } from 'node:fs';
import { generateTestTls } from './tls.js';

/**
 * Vitest globalSetup: runs in the main process before any worker is forked. Workers inherit
 * process.env when they are forked, and Node reads NODE_EXTRA_CA_CERTS only at start, so this is
 * the one place where the fake Azure server's certificate can become trusted by the real SDKs.
 */
export default function setup(): () => void {
  const tls = generateTestTls();
  process.env.NODE_EXTRA_CA_CERTS = tls.caBundlePath;
  process.env.SM_TEST_AZURE_TLS_DIR = tls.dir;
  return () => rmSync(tls.dir, { recursive: true, force: true });
}
