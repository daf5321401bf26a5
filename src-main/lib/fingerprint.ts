/** "AB:CD:…": a SHA-256 fingerprint as hosts and browsers show it. */
export function formatFingerprint(fingerprint: string): string {
  return fingerprint.match(/../g)?.join(':').toUpperCase() ?? fingerprint;
}
