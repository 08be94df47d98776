/** Runs the API on Node's HTTP server; used by `touchbase serve`. */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import packageJson from '../../package.json' with { type: 'json' };
import { createApp } from './app';
import type { Store } from './db';

export const VERSION: string = packageJson.version;

export interface ServerSettings {
  port: number;
  host: string;
  rateLimit: { perSecond: number; burst: number };
  corsOrigins: string[];
  log: ((line: string) => void) | null;
}

export interface RunningServer {
  url: string;
  /** stops accepting, lets requests in flight finish (at most `graceMs`), then resolves */
  close(graceMs?: number): Promise<void>;
}

export function startServer(store: Store, settings: ServerSettings): Promise<RunningServer> {
  const app = createApp({
    store,
    version: VERSION,
    rateLimit: settings.rateLimit,
    corsOrigins: settings.corsOrigins,
    log: settings.log,
  });
  return new Promise((resolve, reject) => {
    const server = serve(
      { fetch: app.fetch, port: settings.port, hostname: settings.host },
      (info: AddressInfo) => {
        const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
        resolve({
          url: `http://${host}:${info.port}`,
          close: (graceMs = 5000) =>
            new Promise<void>((done) => {
              const force = setTimeout(() => {
                if ('closeAllConnections' in server) server.closeAllConnections();
              }, graceMs);
              server.close(() => {
                clearTimeout(force);
                done();
              });
              if ('closeIdleConnections' in server) server.closeIdleConnections();
            }),
        });
      },
    );
    server.once('error', reject);
  });
}
