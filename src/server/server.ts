/** Runs the API on Node's HTTP server; used by `touchbase serve`. */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import packageJson from '../../package.json' with { type: 'json' };
import { createApp } from './app';
import type { Store } from './db';
import { DEFAULT_LIVE_SETTINGS, LiveHub, type LiveSettings } from './live';

export const VERSION: string = packageJson.version;

export interface ServerSettings {
  port: number;
  host: string;
  rateLimit: { perSecond: number; burst: number };
  corsOrigins: string[];
  log: ((line: string) => void) | null;
  /** presence expiry and keep-alive interval; the defaults suit production */
  live?: Partial<LiveSettings>;
}

export interface RunningServer {
  url: string;
  /** stops accepting, lets requests in flight finish (at most `graceMs`), then resolves */
  close(graceMs?: number): Promise<void>;
}

export async function startServer(store: Store, settings: ServerSettings): Promise<RunningServer> {
  const live = new LiveHub(store, { ...DEFAULT_LIVE_SETTINGS, ...settings.live });
  await live.start();
  const app = createApp({
    store,
    live,
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
          close: async (graceMs = 5000) => {
            const closed = new Promise<void>((done) => {
              const force = setTimeout(() => {
                if ('closeAllConnections' in server) server.closeAllConnections();
              }, graceMs);
              server.close(() => {
                clearTimeout(force);
                done();
              });
              if ('closeIdleConnections' in server) server.closeIdleConnections();
            });
            // live streams never finish by themselves: end them so closing needn't wait graceMs
            await live.close();
            await closed;
          },
        });
      },
    );
    server.once('error', (error) => void live.close().then(() => reject(error)));
  });
}
