/**
 * A GET /v1/live reader for the server tests, read the way the extension reads it: fetch with
 * the token in the Authorization header and a streaming body, SSE parsed by hand.
 */
import { LiveEvent } from '../../src/protocol';

export interface LiveConnection {
  status: number;
  headers: Headers;
  /** every event so far, in order */
  events: LiveEvent[];
  /** when each event arrived (performance.now()), parallel to events */
  arrivals: number[];
  /** how many `: keep-alive` comments arrived */
  keepAlives: number;
  /** resolves when the server ends the stream */
  ended: Promise<void>;
  /** the first event from index `from` on that matches, or a rejection after timeoutMs */
  waitFor(
    match: (event: LiveEvent) => boolean,
    options?: { timeoutMs?: number; from?: number },
  ): Promise<LiveEvent>;
  close(): void;
}

export async function openLive(
  baseUrl: string,
  token: string,
  headers: Record<string, string> = {},
): Promise<LiveConnection> {
  const abort = new AbortController();
  const response = await fetch(`${baseUrl}/v1/live`, {
    headers: { authorization: `Bearer ${token}`, ...headers },
    signal: abort.signal,
  });
  const waiters = new Set<() => void>();
  const connection: LiveConnection = {
    status: response.status,
    headers: response.headers,
    events: [],
    arrivals: [],
    keepAlives: 0,
    ended: Promise.resolve(),
    waitFor(match, { timeoutMs = 5000, from = 0 } = {}) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = connection.events.slice(from).find(match);
          if (!found) return false;
          clearTimeout(timer);
          waiters.delete(onEvent);
          resolve(found);
          return true;
        };
        const onEvent = () => void check();
        const timer = setTimeout(() => {
          waiters.delete(onEvent);
          reject(
            new Error(
              `no matching live event in ${timeoutMs} ms; got ${JSON.stringify(connection.events.slice(from))}`,
            ),
          );
        }, timeoutMs);
        if (!check()) waiters.add(onEvent);
      });
    },
    close: () => abort.abort(),
  };
  if (!response.ok || !response.body) return connection;

  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  connection.ended = (async () => {
    let buffer = '';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        buffer += value;
        let boundary = buffer.indexOf('\n\n');
        while (boundary >= 0) {
          const block = buffer.slice(0, boundary);
          buffer = buffer.slice(boundary + 2);
          for (const line of block.split('\n')) {
            if (line.startsWith(': keep-alive')) connection.keepAlives += 1;
            else if (line.startsWith('data: ')) {
              connection.events.push(LiveEvent.parse(JSON.parse(line.slice(6))));
              connection.arrivals.push(performance.now());
            }
          }
          for (const waiter of waiters) waiter();
          boundary = buffer.indexOf('\n\n');
        }
      }
    } catch (error) {
      if (!abort.signal.aborted) throw error;
    }
  })();
  return connection;
}
