import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Certificate } from './certificate';

/** Every host a site adapter may run on (issues 3 and 4), plus a generic test host. */
export const SITE_HOSTS = [
  'mail.google.com',
  'www.linkedin.com',
  'outlook.office.com',
  'outlook.office365.com',
  'outlook.live.com',
  'x.com',
  'twitter.com',
  'www.facebook.com',
  'www.instagram.com',
  'www.reddit.com',
  'www.youtube.com',
  'bsky.app',
  'github.com',
  'www.example-customer.test',
] as const;

export const FIXTURES_DIR = join(import.meta.dirname, '..', '..', 'fixtures');

export interface SiteRequest {
  method: string;
  host: string;
  path: string;
}

export interface SiteServer {
  port: number;
  /** Serves `html` at the URL's host and path (the hash and query are the page's business). */
  serve(url: string, html: string): void;
  /**
   * Serves a fixture file (path under test/fixtures/) at the real URL recorded in its
   * `<meta name="touchbase-fixture-url">`, and returns that URL to navigate to.
   */
  serveFixture(fixturePath: string): Promise<string>;
  /** Every request the fake sites received, in order. */
  requests: SiteRequest[];
  stop(): Promise<void>;
}

const routeKey = (host: string, path: string) => `${host.toLowerCase()}${path}`;

export function fixtureUrl(html: string, fixturePath: string): string {
  const meta = /<meta\s+name=["']touchbase-fixture-url["']\s+content=["']([^"']+)["']/i.exec(html);
  if (!meta?.[1]) throw new Error(`${fixturePath} has no <meta name="touchbase-fixture-url">`);
  return meta[1].replaceAll('&amp;', '&');
}

/**
 * One HTTPS server on a free loopback port standing in for every site host. Chromium's
 * --host-resolver-rules send the real hostnames here, so content scripts run on the real URLs.
 */
export async function startSiteServer(certificate: Certificate): Promise<SiteServer> {
  const routes = new Map<string, string>();
  const requests: SiteRequest[] = [];

  const server: Server = createServer(certificate, (request, response) => {
    const host = (request.headers.host ?? '').replace(/:\d+$/, '');
    const path = new URL(request.url ?? '/', 'https://placeholder').pathname;
    requests.push({ method: request.method ?? 'GET', host, path });
    const html = routes.get(routeKey(host, path));
    if (html === undefined && path === '/favicon.ico') {
      // Browsers ask every host for one; an empty answer keeps the console free of 404s.
      response.writeHead(204).end();
      return;
    }
    if (html === undefined) {
      response
        .writeHead(404, { 'content-type': 'text/plain' })
        .end(`no fixture for ${host}${path}`);
      return;
    }
    response
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
      .end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  const serve = (url: string, html: string) => {
    const { hostname, pathname } = new URL(url);
    routes.set(routeKey(hostname, pathname), html);
  };

  return {
    port: (server.address() as AddressInfo).port,
    serve,
    async serveFixture(fixturePath) {
      const html = await readFile(join(FIXTURES_DIR, fixturePath), 'utf8');
      const url = fixtureUrl(html, fixturePath);
      serve(url, html);
      return url;
    },
    requests,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
