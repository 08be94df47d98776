/**
 * The HTTP API (wire protocol v1, see the design brief §3). Every error is
 * `{ error: { code, message } }`; request bodies are validated with the shared zod schemas from
 * src/protocol, and a 400 names the offending field.
 */
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { sql } from 'kysely';
import type { z } from 'zod';
import {
  type ConfigResponse,
  CustomersUpsertRequest,
  describeZodError,
  EngagementsIngestRequest,
  type ErrorBody,
  type HealthResponse,
  LIMITS,
  type MeResponse,
  PresenceRequest,
  PullQuery,
  PushRequest,
  type Role,
} from '../protocol';
import { writeTransaction } from './changes';
import { configHead, matchesTag, readConfig, toConfigResponse } from './config';
import { prepareCustomers, upsertCustomers } from './customers';
import type { Store } from './db';
import { ingestEngagements } from './engagements';
import { ApiError } from './errors';
import { type LiveHub, liveStream } from './live';
import { openApiDocument } from './openapi';
import { RateLimiter } from './rate-limit';
import { pull, push, type Viewer } from './sync';
import { hashToken, looksLikeToken } from './tokens';
import { toColleague } from './users';

export interface AppOptions {
  store: Store;
  /** live clients and presence of this process (started by the caller) */
  live: LiveHub;
  version: string;
  /** requests per second per token, and how many may come at once */
  rateLimit: { perSecond: number; burst: number };
  /** extra allowed CORS origins besides extension pages (chrome-extension://, moz-extension://) */
  corsOrigins: string[];
  /** one line per request; null for silence */
  log: ((line: string) => void) | null;
}

interface Authenticated extends Viewer {
  tokenId: string;
  /** the committed change counter when the token was checked (see pull's fast path) */
  head: number;
}
type Env = { Variables: { auth: Authenticated } };

const EXTENSION_ORIGIN = /^(?:chrome|moz)-extension:\/\/[a-z0-9-]+$/i;

function errorResponse(c: Context, status: ApiError['status'], code: string, message: string) {
  const body: ErrorBody = { error: { code, message } };
  return c.json(body, status);
}

async function readBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  let json: unknown;
  try {
    json = await c.req.json();
  } catch {
    throw new ApiError(400, 'invalid_json', '(body): not valid JSON');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new ApiError(400, 'invalid_request', describeZodError(parsed.error));
  return parsed.data;
}

export function createApp(options: AppOptions): Hono<Env> {
  const { store, live } = options;
  const limiter = new RateLimiter(options.rateLimit.perSecond, options.rateLimit.burst);
  const extraOrigins = new Set(options.corsOrigins);
  const app = new Hono<Env>();

  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    // the path only: a query string or a header could carry something private
    options.log?.(
      `${c.req.method} ${c.req.path} ${c.res.status} ${(performance.now() - started).toFixed(1)}ms`,
    );
  });
  app.use(
    '/v1/*',
    cors({
      origin: (origin) =>
        EXTENSION_ORIGIN.test(origin) || extraOrigins.has(origin) ? origin : null,
      allowMethods: ['GET', 'POST', 'OPTIONS'],
      allowHeaders: ['Authorization', 'Content-Type', 'If-None-Match'],
      exposeHeaders: ['Retry-After', 'ETag'],
      maxAge: 600,
    }),
  );
  app.use(
    '/v1/*',
    bodyLimit({
      maxSize: LIMITS.bodyBytes,
      onError: (c) =>
        errorResponse(c, 413, 'body_too_large', `(body): larger than ${LIMITS.bodyBytes} bytes`),
    }),
  );

  // Every authenticated request runs this one query: compiled here once, its only parameter the
  // token's hash, and prepared once per connection (Store.runPrepared). It also reads the change
  // counter, so an up-to-date client's pull costs this query alone.
  const tokenLookup = store.db
    .selectFrom('tokens')
    .innerJoin('colleagues', 'colleagues.id', 'tokens.colleague_id')
    .select([
      'tokens.id as tokenId',
      'tokens.revoked_at',
      'colleagues.id as colleagueId',
      'colleagues.role',
      (eb) =>
        eb
          .selectFrom('counters')
          .select('value')
          .where('name', '=', sql.lit('change_seq'))
          .as('head'),
    ])
    .where('tokens.token_hash', '=', '')
    .compile();

  const authenticate = (...roles: Role[]): MiddlewareHandler<Env> => {
    return async (c, next) => {
      const header = c.req.header('authorization');
      if (!header) throw new ApiError(401, 'missing_token', 'Authorization: send "Bearer <token>"');
      const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
      if (!token || !looksLikeToken(token)) {
        throw new ApiError(401, 'bad_token', 'Authorization: not a valid Touchbase token');
      }
      const [row] = await store.runPrepared('touchbase_token_lookup', tokenLookup, [
        hashToken(token),
      ]);
      if (!row) throw new ApiError(401, 'bad_token', 'Authorization: unknown token');
      if (row.revoked_at)
        throw new ApiError(401, 'token_revoked', 'Authorization: this token was revoked');
      if (!roles.includes(row.role)) {
        throw new ApiError(
          403,
          'forbidden',
          `a ${row.role} token may not do this (needs ${roles.join(' or ')})`,
        );
      }
      const allowed = limiter.take(row.tokenId);
      if (!allowed.ok) {
        c.header('Retry-After', String(allowed.retryAfterSeconds));
        throw new ApiError(
          429,
          'rate_limited',
          `too many requests; retry in ${allowed.retryAfterSeconds}s`,
        );
      }
      c.set('auth', {
        tokenId: row.tokenId,
        colleagueId: row.colleagueId,
        role: row.role,
        head: Number(row.head),
      });
      await next();
    };
  };
  const people = authenticate('member', 'admin');
  const ingesters = authenticate('admin', 'integration');
  const anyRole = authenticate('member', 'admin', 'integration');

  app.get('/v1/health', (c) => {
    const body: HealthResponse = { ok: true, version: options.version, database: store.kind };
    return c.json(body);
  });

  app.get('/v1/openapi.json', (c) => c.json(openApiDocument(options.version)));

  app.get('/v1/me', people, async (c) => {
    const { colleagueId, role } = c.get('auth');
    const row = await store.db
      .selectFrom('colleagues')
      .selectAll()
      .where('id', '=', colleagueId)
      .executeTakeFirstOrThrow();
    const body: MeResponse = { colleague: toColleague(row), role };
    return c.json(body);
  });

  // Every extension asks each minute: an unchanged configuration costs one query and a 304.
  app.get('/v1/config', anyRole, async (c) => {
    c.header('Cache-Control', 'private, no-cache');
    const head = await configHead(store.db);
    if (matchesTag(c.req.header('if-none-match'), head.tag)) {
      c.header('ETag', head.tag);
      return c.body(null, 304);
    }
    const { tag, config } = await readConfig(store);
    c.header('ETag', tag);
    const body: ConfigResponse = toConfigResponse(config);
    return c.json(body);
  });

  app.get('/v1/sync/pull', people, async (c) => {
    const query = PullQuery.safeParse(c.req.query());
    if (!query.success) {
      const badCursor = query.error.issues.some((issue) => issue.path[0] === 'cursor');
      throw new ApiError(
        400,
        badCursor ? 'bad_cursor' : 'invalid_request',
        describeZodError(query.error),
      );
    }
    const auth = c.get('auth');
    return c.json(await pull(store, auth, query.data.cursor, query.data.limit, auth.head));
  });

  app.post('/v1/sync/push', people, async (c) => {
    const request = await readBody(c, PushRequest);
    return c.json(await push(store, c.get('auth'), request));
  });

  app.post('/v1/customers', ingesters, async (c) => {
    const request = await readBody(c, CustomersUpsertRequest);
    const prepared = prepareCustomers(request.customers);
    const results = await writeTransaction(store, (w) => upsertCustomers(w, prepared));
    return c.json({ results });
  });

  app.post('/v1/engagements', ingesters, async (c) => {
    const request = await readBody(c, EngagementsIngestRequest);
    const results = await writeTransaction(store, (w) => ingestEngagements(w, request.engagements));
    return c.json({ results });
  });

  // A heartbeat every 10 s per active colleague; it lives in memory only (see live.ts).
  app.post('/v1/presence', people, async (c) => {
    const request = await readBody(c, PresenceRequest);
    // ending a presence must work even for a customer deleted meanwhile
    if (request.activity !== 'left') {
      const customer = await store.db
        .selectFrom('customers')
        .select('id')
        .where('id', '=', request.customerId)
        .executeTakeFirst();
      if (!customer) {
        throw new ApiError(
          404,
          'unknown_customer',
          `customerId: no customer ${request.customerId}`,
        );
      }
    }
    await live.presence(c.get('auth').colleagueId, request);
    return c.body(null, 204);
  });

  // Server-Sent Events read with fetch(), so the token travels in the Authorization header.
  app.get('/v1/live', people, (c) => {
    const { tokenId, colleagueId } = c.get('auth');
    const tokenStillValid = async () => {
      const row = await store.db
        .selectFrom('tokens')
        .select('revoked_at')
        .where('id', '=', tokenId)
        .executeTakeFirst();
      return Boolean(row && !row.revoked_at);
    };
    return liveStream(c, live, colleagueId, tokenStillValid);
  });

  app.notFound((c) => errorResponse(c, 404, 'not_found', `no route ${c.req.method} ${c.req.path}`));
  app.onError((error, c) => {
    if (error instanceof ApiError) return errorResponse(c, error.status, error.code, error.message);
    console.error(`${c.req.method} ${c.req.path} failed:`, error);
    return errorResponse(c, 500, 'internal', 'internal server error');
  });
  return app;
}
