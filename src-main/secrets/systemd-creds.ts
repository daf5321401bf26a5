import { spawn } from 'node:child_process';

/** systemd-creds failed or is missing; carries what it said. */
export class SystemdCredsError extends Error {
  constructor(
    message: string,
    readonly stderr = '',
  ) {
    super(stderr ? `${message}: ${stderr.trim()}` : message);
    this.name = 'SystemdCredsError';
  }
}

function systemdCreds(args: string[], input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('systemd-creds', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new SystemdCredsError(
          error.code === 'ENOENT'
            ? 'systemd-creds was not found (it comes with systemd 250 or newer)'
            : `systemd-creds could not run (${error.message})`,
        ),
      ),
    );
    child.once('close', (code) =>
      code === 0 ? resolve(stdout) : reject(new SystemdCredsError(`systemd-creds ${args[0]} failed`, stderr)),
    );
    child.stdin.end(input);
  });
}

/**
 * Encrypts one secret for this machine (its host key, and its TPM2 when it has one) and returns the
 * unit-file line that hands it to the service: `SetCredentialEncrypted=NAME: <base64>` (wrapped).
 * Only root can use the host key; the value goes through standard input, never the command line.
 */
export async function encryptCredential(name: string, value: string): Promise<string> {
  const line = await systemdCreds(['encrypt', '--pretty', `--name=${name}`, '-', '-'], value);
  return line.trimEnd();
}

/** Decrypts one `SetCredentialEncrypted=` value (base64, as in the unit) back to the secret. */
export function decryptCredential(name: string, encrypted: string): Promise<string> {
  return systemdCreds(['decrypt', `--name=${name}`, '-', '-'], encrypted);
}

/**
 * The encrypted credentials a unit file sets, by name: its `SetCredentialEncrypted=` lines, with the
 * unit syntax's backslash line continuations joined.
 */
export function unitEncryptedCredentials(unitText: string): Map<string, string> {
  const credentials = new Map<string, string>();
  const logicalLines = unitText.replace(/\\\r?\n/g, ' ').split(/\r?\n/);
  for (const line of logicalLines) {
    const match = /^\s*SetCredentialEncrypted=([^:\s]+):\s*(.*)$/.exec(line);
    if (match) credentials.set(match[1]!, match[2]!.replace(/\s+/g, ''));
  }
  return credentials;
}
