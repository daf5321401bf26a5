/**
 * DNS-rebinding defence: a page on evil.example whose name is re-pointed at 127.0.0.1 reaches this
 * server with `Host: evil.example`. Only loopback names (and names the operator adds) at our port pass.
 */

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

export function parseHostHeader(value: string | undefined): { name: string; port: number } | undefined {
  if (!value) return undefined;
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(value.trim());
  if (!match) return undefined;
  return { name: match[1]!.toLowerCase(), port: match[2] === undefined ? 80 : Number(match[2]) };
}

/** Wildcard binds (0.0.0.0, ::) add nothing: the operator must name the hosts clients use. */
export function allowedHostNames(bind: string, extra: readonly string[] = []): Set<string> {
  const names = new Set([...LOOPBACK_NAMES, ...extra.map((name) => name.toLowerCase())]);
  if (bind !== '0.0.0.0' && bind !== '::' && bind !== '')
    names.add(bind.includes(':') && !bind.startsWith('[') ? `[${bind}]`.toLowerCase() : bind.toLowerCase());
  return names;
}

export function hostAllowed(header: string | undefined, names: ReadonlySet<string>, port: number): boolean {
  const parsed = parseHostHeader(header);
  return parsed !== undefined && parsed.port === port && names.has(parsed.name);
}
