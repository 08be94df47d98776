/**
 * A fault-injecting HTTP proxy on loopback, for putting between a client under test and the real
 * server. Each request draws its fate from a seeded PRNG, so a failing run repeats with its seed:
 * forwarded cleanly, or one of the faults below. Bodies are buffered (the API's are small and
 * JSON), which lets the proxy cut a response at an exact byte.
 */
import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

export const FAULT_KINDS = [
  /** never forwarded: the connection is held, then reset (or the client gives up first) */
  'dropRequest',
  /** forwarded and applied by the server; the client's connection is reset instead of answered */
  'dropResponse',
  'delayRequest',
  'delayResponse',
  /** answered by the proxy itself, never forwarded */
  'status500',
  'status502',
  'status503',
  /** half a push's body reaches the server, then both connections are reset */
  'resetMidRequestBody',
  /** the server answered; the client gets the headers and half the body, then a reset */
  'resetMidResponseBody',
  /** a well-formed HTTP response whose body is cut in half (content-length matches the cut) */
  'truncateResponse',
  /** a push forwarded twice at once; the client gets the first answer */
  'duplicatePush',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];
const PUSH_KINDS: readonly FaultKind[] = ['resetMidRequestBody', 'duplicatePush'];

export interface FaultProxyOptions {
  /** the server's base URL, e.g. http://127.0.0.1:1234 */
  target: string;
  seed: number;
  /** share of requests that get a fault while faults are on, 0..1 */
  faultRate: number;
  /** how long a dropped request is held before its connection is reset */
  dropHoldMs?: number;
  /** the longest injected delay */
  maxDelayMs?: number;
  /**
   * Awaited before a cleanly forwarded answer goes back to the client: lets a test hold chosen
   * answers (say, the pages of an initial sync) until it decides to let each one through.
   */
  beforeReply?: (request: IncomingMessage, upstream: Upstream) => Promise<void>;
}

export interface Upstream {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface FaultProxy {
  url: string;
  /** faults on (the default) or off: off forwards every request cleanly */
  faulty: boolean;
  /** faults injected so far, by kind */
  readonly injected: Record<FaultKind, number>;
  /** requests forwarded without a fault */
  readonly clean: number;
  /** the server's status for each duplicated push, both copies: a 5xx means it choked on a replay */
  readonly duplicateStatuses: number[];
  close(): Promise<void>;
}

/** mulberry32: tiny, fast and good enough to pick faults reproducibly. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length']);

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const random = seededRandom(options.seed);
  const target = new URL(options.target);
  const dropHoldMs = options.dropHoldMs ?? 500;
  const maxDelayMs = options.maxDelayMs ?? 300;
  const injected = Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as Record<
    FaultKind,
    number
  >;
  const duplicateStatuses: number[] = [];
  let clean = 0;
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const delay = () => sleep(Math.round(random() * maxDelayMs));

  /** Sends the request to the server; with `cutAt`, sends that many body bytes and resets. */
  const forward = (
    incoming: IncomingMessage,
    body: Buffer,
    cutAt?: number,
  ): Promise<Upstream | undefined> =>
    new Promise((resolve, reject) => {
      const headers = { ...incoming.headers, host: target.host };
      const upstream = httpRequest(
        { host: target.hostname, port: target.port, method: incoming.method, path: incoming.url },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 502,
              headers: response.headers,
              body: Buffer.concat(chunks),
            }),
          );
          response.on('error', reject);
        },
      );
      upstream.setHeader('content-length', body.length);
      for (const [name, value] of Object.entries(headers)) {
        if (value !== undefined && !HOP_BY_HOP.has(name)) upstream.setHeader(name, value);
      }
      if (cutAt === undefined) {
        upstream.on('error', reject);
        upstream.end(body);
        return;
      }
      upstream.on('error', () => resolve(undefined));
      upstream.write(body.subarray(0, cutAt), () => {
        // let the bytes reach the server before the reset, so it really sees a half body
        setTimeout(() => {
          upstream.destroy();
          resolve(undefined);
        }, 20);
      });
    });

  const reply = (res: ServerResponse, upstream: Upstream, body = upstream.body) => {
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(upstream.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
    }
    res.writeHead(upstream.status, { ...headers, 'content-length': String(body.length) });
    res.end(body);
  };

  const choose = (req: IncomingMessage): FaultKind | undefined => {
    if (!proxy.faulty || random() >= options.faultRate) return undefined;
    const isPush = req.method === 'POST' && req.url?.startsWith('/v1/sync/push') === true;
    // Pushes are where exactly-once can break and they are few next to pulls: half of their
    // faults are the push-only kinds, so every run sees some.
    const pool =
      isPush && random() < 0.5
        ? PUSH_KINDS
        : FAULT_KINDS.filter((kind) => !PUSH_KINDS.includes(kind));
    return pool[Math.floor(random() * pool.length)];
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const fault = choose(req);
    if (!fault) {
      clean += 1;
      const upstream = (await forward(req, body)) as Upstream;
      await options.beforeReply?.(req, upstream);
      reply(res, upstream);
      return;
    }
    injected[fault] += 1;
    switch (fault) {
      case 'dropRequest':
        await sleep(dropHoldMs);
        res.socket?.destroy();
        return;
      case 'dropResponse':
        await forward(req, body);
        res.socket?.destroy();
        return;
      case 'delayRequest':
        await delay();
        reply(res, (await forward(req, body)) as Upstream);
        return;
      case 'delayResponse': {
        const upstream = (await forward(req, body)) as Upstream;
        await delay();
        reply(res, upstream);
        return;
      }
      case 'status500':
        // shaped like the server's own errors
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'internal', message: 'injected failure' } }));
        return;
      case 'status502':
        // a load balancer's page, not JSON
        res.writeHead(502, { 'content-type': 'text/html' });
        res.end('<html><body>502 Bad Gateway</body></html>');
        return;
      case 'status503':
        res.writeHead(503, { 'retry-after': '1', 'content-type': 'text/plain' });
        res.end('Service Unavailable');
        return;
      case 'resetMidRequestBody':
        await forward(req, body, Math.floor(body.length / 2));
        res.socket?.destroy();
        return;
      case 'resetMidResponseBody': {
        const upstream = (await forward(req, body)) as Upstream;
        res.writeHead(upstream.status, {
          'content-type': String(upstream.headers['content-type'] ?? 'application/json'),
          'content-length': String(upstream.body.length),
        });
        res.write(upstream.body.subarray(0, Math.floor(upstream.body.length / 2)), () =>
          res.socket?.destroy(),
        );
        return;
      }
      case 'truncateResponse': {
        const upstream = (await forward(req, body)) as Upstream;
        reply(res, upstream, upstream.body.subarray(0, Math.floor(upstream.body.length / 2)));
        return;
      }
      case 'duplicatePush': {
        const [first, second] = (await Promise.all([forward(req, body), forward(req, body)])) as [
          Upstream,
          Upstream,
        ];
        duplicateStatuses.push(first.status, second.status);
        reply(res, first);
        return;
      }
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.socket?.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const proxy: FaultProxy = {
    url: `http://127.0.0.1:${port}`,
    faulty: true,
    injected,
    get clean() {
      return clean;
    },
    duplicateStatuses,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return proxy;
}
