import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * A self-signed certificate for 127.0.0.1, made at test time with Debian's `openssl` (node:crypto
 * has no X.509 generator). The client side trusts it through NODE_EXTRA_CA_CERTS, which Node reads
 * only at process start: see global-setup.ts.
 */
export interface TestTls {
  dir: string;
  certPath: string;
  keyPath: string;
  /** The file to point NODE_EXTRA_CA_CERTS at: any CA bundle already configured, plus this certificate. */
  caBundlePath: string;
}

export function generateTestTls(dir = mkdtempSync(path.join(tmpdir(), 'sm-azure-tls-'))): TestTls {
  const certPath = path.join(dir, 'cert.pem');
  const keyPath = path.join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyPath,
      '-out',
      certPath,
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
    ],
    { stdio: 'pipe' },
  );
  const existing = process.env.NODE_EXTRA_CA_CERTS;
  const caBundlePath = path.join(dir, 'ca-bundle.pem');
  const previous = existing && existsSync(existing) ? `${readFileSync(existing, 'utf8').trim()}\n` : '';
  writeFileSync(caBundlePath, previous + readFileSync(certPath, 'utf8'));
  return { dir, certPath, keyPath, caBundlePath };
}

/** The certificate made by the global setup (its directory is passed to workers in SM_TEST_AZURE_TLS_DIR). */
export function testTlsFromEnv(): { cert: string; key: string } {
  const dir = process.env.SM_TEST_AZURE_TLS_DIR;
  if (!dir)
    throw new Error(
      'SM_TEST_AZURE_TLS_DIR is not set: run the tests through vitest (its globalSetup makes the certificate)',
    );
  return {
    cert: readFileSync(path.join(dir, 'cert.pem'), 'utf8'),
    key: readFileSync(path.join(dir, 'key.pem'), 'utf8'),
  };
}
