/**
 * The Content-Security-Policy of the app window. The built page also carries the renderer's own CSP
 * meta tag; both apply, so the stricter wins. This one forbids every connection: the window talks to
 * the app only over IPC, never the network.
 */
export const appContentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  // Mantine and the charts set style attributes.
  "style-src 'self' 'unsafe-inline'",
  // Session thumbnails arrive as bytes and are shown from blob: URLs.
  "img-src 'self' data: blob:",
  // The UI's fonts may be inlined as data: URLs by the build.
  "font-src 'self' data:",
  "connect-src 'none'",
  "media-src 'none'",
  "object-src 'none'",
  "frame-src 'none'",
  "worker-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

type Headers = Record<string, string[]>;

/** The response headers with our CSP in place of any the response carried (any letter case). */
export function withContentSecurityPolicy(headers: Headers | undefined): Headers {
  const result: Headers = {};
  for (const [name, value] of Object.entries(headers ?? {}))
    if (name.toLowerCase() !== 'content-security-policy') result[name] = value;
  result['Content-Security-Policy'] = [appContentSecurityPolicy];
  return result;
}
