import { ensureLocalUser } from '../helpers/local-user.js';

/**
 * A local account of the fault tests' own for xrdp to log on (PAM), with an xterm as its desktop. Other
 * suites use other accounts: xrdp's shared sesman would re-attach two suites' logons of one user.
 */
export const FAULT_USER = 'smfaultbot';
export const FAULT_PASSWORD = 'F4ult-Passw0rd!';

export function ensureFaultUser(user = FAULT_USER, password = FAULT_PASSWORD): void {
  ensureLocalUser(user, password);
}
