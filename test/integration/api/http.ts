import http from 'node:http';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  text: string;
  json(): unknown;
}

/** A plain HTTP request where the test controls every header (fetch will not let it set Host). */
export function request(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        const text = body.toString('utf8');
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body,
          text,
          json: () => JSON.parse(text),
        });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

/** Reads an SSE stream until `count` events arrived (or the timeout, a bound, not an assertion). */
export function readSse(
  url: string,
  headers: Record<string, string>,
  count: number,
  onOpen?: () => void,
): Promise<{ status: number; events: Array<{ id?: string; data: string }>; raw: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers }, (res) => {
      let raw = '';
      const events: Array<{ id?: string; data: string }> = [];
      const done = () => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, events, raw });
      };
      if (res.statusCode !== 200) {
        res.on('data', (chunk: Buffer) => (raw += chunk.toString()));
        res.on('end', done);
        return;
      }
      onOpen?.();
      res.on('data', (chunk: Buffer) => {
        raw += chunk.toString();
        const blocks = raw.split('\n\n').slice(0, -1);
        events.length = 0;
        for (const block of blocks) {
          const lines = block.split('\n');
          const data = lines.filter((l) => l.startsWith('data: ')).map((l) => l.slice(6));
          if (!data.length) continue;
          const id = lines.find((l) => l.startsWith('id: '))?.slice(4);
          events.push({ ...(id ? { id } : {}), data: data.join('\n') });
        }
        if (events.length >= count) done();
      });
      res.on('end', done);
    });
    req.on('error', reject);
    setTimeout(() => {
      req.destroy();
      reject(new Error(`SSE: fewer than ${count} events within 10 s`));
    }, 10_000).unref();
  });
}
