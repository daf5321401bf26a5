import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { emptyHistory } from '../src-main/history/history-store.js';
import os from 'node:os';
import path from 'node:path';
import { zeroCounters, type ManagerPort } from '../src-main/api/manager-port.js';
import { startApiServer } from '../src-main/api/server.js';
import { ConfigStore } from '../src-main/config/config-store.js';
import type { ManagerEvent } from '../src-main/core/events.js';
import type { ManagerState } from '../src-main/core/state.js';
import type { BenchRow } from './bench-row.js';

/** HTTP API costs with 1,000 hosts: GET /api/state, GET /metrics, and event delivery over SSE. */

const HOSTS = 1000;
const TOKEN = 'bench-token';

function bigState(): ManagerState {
  return {
    at: 0,
    paused: false,
    orchestrator: { status: 'ok' },
    queueDepth: HOSTS,
    hostsOn: HOSTS / 2,
    maxHostsOn: HOSTS,
    hostsUnknown: 0,
    ticks: 1,
    hosts: Array.from({ length: HOSTS }, (_, i) => ({
      id: `bot-${i}`,
      name: `bot-${i}`,
      protocol: 'aws-ec2' as const,
      address: `10.0.${i >> 8}.${i & 255}`,
      power: i % 2 ? ('on' as const) : ('off' as const),
      managed: true,
      stage: i % 2 ? ('runner-online' as const) : ('off' as const),
      failed: false,
      maxSessions: 1,
      runners: [`r-${i}`],
    })),
    runners: Array.from({ length: HOSTS }, (_, i) => ({
      id: `r-${i}`,
      hostId: `bot-${i}`,
      queued: i % 3,
      running: i % 2,
      sessionMode: 'rdp' as const,
    })),
    sessions: Array.from({ length: HOSTS / 2 }, (_, i) => ({
      key: `bot-${2 * i + 1}/bot`,
      hostId: `bot-${2 * i + 1}`,
      user: 'bot',
      state: 'open' as const,
      since: 0,
      reconnects: 0,
      width: 1920,
      height: 1080,
    })),
  };
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};

function get(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    http
      .get(url, { headers: { authorization: `Bearer ${TOKEN}`, host } }, (res) => {
        res.resume();
        res.on('end', () => resolve(performance.now() - started));
      })
      .on('error', reject);
  });
}

export async function run(): Promise<BenchRow[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sm-bench-api-'));
  const listeners = new Set<(event: ManagerEvent) => void>();
  const log: ManagerEvent[] = [];
  const state = bigState();
  const secrets = new Map<string, string>();
  const port: ManagerPort = {
    state: () => state,
    events: { history: () => log, subscribe: (l) => (listeners.add(l), () => listeners.delete(l)) },
    counters: () => ({ ...zeroCounters(), ticks: 1 }),
    retry: async (hostIds) => [...hostIds],
    pause: async () => undefined,
    resume: async () => undefined,
    tickNow: async () => undefined,
    history: async () => emptyHistory(),
    thumbnail: async () => undefined,
    eventScreen: async () => undefined,
    checkHost: async () => ({ rdp: { ok: true }, cloud: { ok: true } }),
    sendTestNotification: async () => [],
    trustCertificate: async () => {
      throw new Error('not in this bench');
    },
    configStore: new ConfigStore(path.join(dir, 'config.json')),
    secrets: {
      get: async (ref) => secrets.get(ref),
      set: async (ref, value) => void secrets.set(ref, value),
      delete: async (ref) => void secrets.delete(ref),
    },
    configChanged: () => undefined,
  };
  const server = await startApiServer({ port, token: TOKEN });
  const host = new URL(server.url).host;
  try {
    const stateTimes: number[] = [];
    const metricsTimes: number[] = [];
    for (let i = 0; i < 20; i++) await get(`${server.url}/api/state`, host); // warm-up
    for (let i = 0; i < 200; i++) stateTimes.push(await get(`${server.url}/api/state`, host));
    for (let i = 0; i < 50; i++) metricsTimes.push(await get(`${server.url}/metrics`, host));

    // SSE: time from emit in the service to the event read by a client.
    const sseTimes: number[] = [];
    await new Promise<void>((resolve, reject) => {
      const req = http.get(
        `${server.url}/api/events/stream`,
        { headers: { authorization: `Bearer ${TOKEN}`, host } },
        (res) => {
          let sentAt = 0;
          let id = 0;
          let buffer = '';
          const emit = () => {
            id++;
            sentAt = performance.now();
            const event: ManagerEvent = {
              id,
              at: Date.now(),
              kind: 'info',
              severity: 'info',
              message: `e${id}`,
            };
            log.push(event);
            for (const listener of listeners) listener(event);
          };
          res.on('data', (chunk: Buffer) => {
            buffer += chunk.toString();
            if (!buffer.includes(`id: ${id}\n`)) return;
            sseTimes.push(performance.now() - sentAt);
            buffer = '';
            if (sseTimes.length === 200) {
              req.destroy();
              resolve();
            } else setImmediate(emit);
          });
          setImmediate(emit);
        },
      );
      req.on('error', (error) => (sseTimes.length === 200 ? resolve() : reject(error)));
    });

    const area = 'api';
    return [
      { area, metric: 'GET /api/state p50 (1,000 hosts)', value: percentile(stateTimes, 50), unit: 'ms' },
      { area, metric: 'GET /api/state p95 (1,000 hosts)', value: percentile(stateTimes, 95), unit: 'ms' },
      { area, metric: 'GET /metrics p50 (1,000 hosts)', value: percentile(metricsTimes, 50), unit: 'ms' },
      { area, metric: 'GET /metrics p95 (1,000 hosts)', value: percentile(metricsTimes, 95), unit: 'ms' },
      { area, metric: 'SSE emit → client p50', value: percentile(sseTimes, 50), unit: 'ms' },
      { area, metric: 'SSE emit → client p95', value: percentile(sseTimes, 95), unit: 'ms' },
    ];
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
