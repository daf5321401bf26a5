import type { OperationName } from './contract.js';

/**
 * How each operation maps onto HTTP, shared by the server and the HTTP client. Path parameters and
 * (GET/DELETE) query parameters or (POST/PATCH) the JSON body together form the operation's input.
 */
export interface HttpRoute {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  /** Query parameters that are numbers in the input (query strings are text). */
  numericQuery?: readonly string[];
  /** 201 instead of 200. */
  creates?: boolean;
  /** The reply is image/png, not JSON. */
  png?: boolean;
  /** The reply is a file to save: `{filename, mediaType, text}` sent as that file (Content-Disposition). */
  download?: boolean;
}

export const httpRoutes: Record<OperationName, HttpRoute> = {
  getState: { method: 'GET', path: '/api/state' },
  listEvents: { method: 'GET', path: '/api/events', numericQuery: ['afterId', 'limit', 'from', 'to'] },
  exportEvents: {
    method: 'GET',
    path: '/api/events/export',
    numericQuery: ['afterId', 'limit', 'from', 'to'],
    download: true,
  },
  getCost: { method: 'GET', path: '/api/cost', numericQuery: ['from', 'to'] },
  whatIf: { method: 'POST', path: '/api/whatif' },
  listHosts: { method: 'GET', path: '/api/hosts' },
  addHost: { method: 'POST', path: '/api/hosts', creates: true },
  testHostConnection: { method: 'POST', path: '/api/hosts/test' },
  editHost: { method: 'PATCH', path: '/api/hosts/:id' },
  removeHost: { method: 'DELETE', path: '/api/hosts/:id' },
  trustCertificate: { method: 'POST', path: '/api/hosts/:hostId/trust' },
  retryHost: { method: 'POST', path: '/api/hosts/:hostId/retry' },
  retryAllHosts: { method: 'POST', path: '/api/retry' },
  listRunners: { method: 'GET', path: '/api/runners' },
  attachRunner: { method: 'POST', path: '/api/runners', creates: true },
  editRunner: { method: 'PATCH', path: '/api/runners/:id' },
  releaseRunner: { method: 'DELETE', path: '/api/runners/:id' },
  getSettings: { method: 'GET', path: '/api/settings' },
  updateSettings: { method: 'PATCH', path: '/api/settings' },
  testOrchestrator: { method: 'POST', path: '/api/orchestrator/test' },
  sendTestNotification: { method: 'POST', path: '/api/notifications/test' },
  pause: { method: 'POST', path: '/api/pause' },
  resume: { method: 'POST', path: '/api/resume' },
  tickNow: { method: 'POST', path: '/api/tick' },
  thumbnail: { method: 'GET', path: '/api/thumbnail', numericQuery: ['maxWidth'], png: true },
  eventScreen: { method: 'GET', path: '/api/events/screen', numericQuery: ['eventId'], png: true },
};

/** Server-sent events: `?after=<id>` (or the Last-Event-ID header on reconnect). */
export const EVENTS_STREAM_PATH = '/api/events/stream';
export const HEALTH_PATH = '/health';
export const METRICS_PATH = '/metrics';

export function pathParams(path: string): string[] {
  return [...path.matchAll(/:([A-Za-z]+)/g)].map((match) => match[1]!);
}

export const sendsBody = (route: HttpRoute) => route.method === 'POST' || route.method === 'PATCH';
