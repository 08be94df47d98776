/**
 * GET /v1/openapi.json — generated from the same zod schemas the server validates with, so the
 * document cannot drift from what the server accepts.
 */
import { z } from 'zod';
import {
  ConfigResponse,
  CustomersUpsertRequest,
  CustomersUpsertResponse,
  EngagementsIngestRequest,
  EngagementsIngestResponse,
  ErrorBody,
  HealthResponse,
  LIMITS,
  LiveEvent,
  MeResponse,
  PRESENCE,
  PresenceRequest,
  PullResponse,
  PushRequest,
  PushResponse,
} from '../protocol';

const SCHEMAS = {
  ErrorBody,
  HealthResponse,
  MeResponse,
  ConfigResponse,
  PullResponse,
  PushRequest,
  PushResponse,
  CustomersUpsertRequest,
  CustomersUpsertResponse,
  EngagementsIngestRequest,
  EngagementsIngestResponse,
  PresenceRequest,
  LiveEvent,
} as const;
type SchemaName = keyof typeof SCHEMAS;

const REQUEST_SCHEMAS: ReadonlySet<SchemaName> = new Set([
  'PushRequest',
  'CustomersUpsertRequest',
  'EngagementsIngestRequest',
  'PresenceRequest',
]);

const ref = (name: SchemaName) => ({ $ref: `#/components/schemas/${name}` });
const json = (name: SchemaName) => ({ content: { 'application/json': { schema: ref(name) } } });
const errors = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((status) => [
      String(status),
      { description: ERROR_TEXT[status], ...json('ErrorBody') },
    ]),
  );

const ERROR_TEXT: Record<number, string> = {
  400: 'invalid request; the message names the field',
  401: 'missing, unknown or revoked token',
  403: 'the token’s role may not do this',
  404: 'no such customer',
  409: 'conflict',
  413: `body larger than ${LIMITS.bodyBytes} bytes`,
  429: 'rate limited; see the Retry-After header',
};

function operation(
  summary: string,
  roles: string,
  request: SchemaName | null,
  /** null: 204 without a body */
  response: SchemaName | null,
  statuses: number[],
) {
  const success = response
    ? { '200': { description: 'OK', ...json(response) } }
    : { '204': { description: 'done' } };
  return {
    summary,
    description: `Allowed for: ${roles}.`,
    security: [{ bearer: [] }],
    ...(request ? { requestBody: { required: true, ...json(request) } } : {}),
    responses: { ...success, ...errors(...statuses) },
  };
}

/** GET /v1/config answers 304 to a client that sends back the ETag it holds. */
function configOperation() {
  const base = operation(
    'Server-wide settings every client follows: the adapters an admin turned off',
    'member, admin, integration',
    null,
    'ConfigResponse',
    [401, 403, 429],
  );
  const headers = {
    ETag: { description: 'send it back as If-None-Match', schema: { type: 'string' } },
  };
  return {
    ...base,
    parameters: [
      {
        name: 'If-None-Match',
        in: 'header',
        required: false,
        schema: { type: 'string' },
        description: 'the ETag of the configuration the client holds',
      },
    ],
    responses: {
      ...base.responses,
      '200': { ...base.responses['200'], headers },
      '304': { description: 'unchanged since that ETag', headers },
    },
  };
}

function presenceOperation() {
  const base = operation(
    'A presence heartbeat: this colleague is viewing or writing to a customer now',
    'member, admin',
    'PresenceRequest',
    null,
    [400, 401, 403, 404, 413, 429],
  );
  return {
    ...base,
    description: `${base.description} Send it every ${PRESENCE.heartbeatMs / 1000} s while it holds; it lapses ${PRESENCE.ttlMs / 1000} s after the last one. \`activity: "left"\` ends it at once (204 even when there was nothing to end). Colleagues see it on GET /v1/live.`,
  };
}

function liveOperation() {
  return {
    summary: 'A stream of pokes and colleagues’ presence (Server-Sent Events)',
    description:
      'Allowed for: member, admin. Read it with fetch and a streaming body (the token goes in the Authorization header, never the URL). Each `data:` line is one LiveEvent as JSON. On connect: the current presence of other colleagues, then a poke. `poke`: data changed, pull (it carries no data). `presence`: a colleague on a customer until `expiresAt` unless renewed; `expiresAt` equal to `at` ends it. A `: keep-alive` comment comes every 15 s; a revoked token’s stream ends at the next one.',
    security: [{ bearer: [] }],
    responses: {
      '200': {
        description: 'the event stream',
        content: { 'text/event-stream': { schema: { type: 'string' } } },
      },
      ...errors(401, 403, 429),
    },
  };
}

let cached: { version: string; document: object } | undefined;

export function openApiDocument(version: string): object {
  if (cached?.version === version) return cached.document;
  const schemas = Object.fromEntries(
    Object.entries(SCHEMAS).map(([name, schema]) => [
      name,
      z.toJSONSchema(schema, {
        target: 'openapi-3.0',
        io: REQUEST_SCHEMAS.has(name as SchemaName) ? 'input' : 'output',
        unrepresentable: 'any',
      }),
    ]),
  );
  const document = {
    openapi: '3.0.3',
    info: {
      title: 'Touchbase API',
      version,
      description:
        'The company ledger of customers, identities, colleagues and engagements. Send `Authorization: Bearer <token>`. Every error is `{ "error": { "code", "message" } }`. Unknown fields are ignored.',
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas,
    },
    paths: {
      '/v1/health': {
        get: {
          summary: 'Liveness and database kind',
          security: [],
          responses: { '200': { description: 'OK', ...json('HealthResponse') } },
        },
      },
      '/v1/me': {
        get: operation(
          'The colleague behind the token',
          'member, admin',
          null,
          'MeResponse',
          [401, 403, 429],
        ),
      },
      '/v1/config': {
        get: configOperation(),
      },
      '/v1/sync/pull': {
        get: {
          ...operation(
            'Changes since a cursor, in change order',
            'member, admin',
            null,
            'PullResponse',
            [400, 401, 403, 429],
          ),
          parameters: [
            {
              name: 'cursor',
              in: 'query',
              required: false,
              schema: { type: 'string' },
              description: 'from the previous response; absent = from the start',
            },
            {
              name: 'limit',
              in: 'query',
              required: false,
              schema: {
                type: 'integer',
                minimum: 1,
                maximum: LIMITS.pullMax,
                default: LIMITS.pullDefault,
              },
            },
          ],
        },
      },
      '/v1/sync/push': {
        post: operation(
          'Apply a client’s queued mutations exactly once',
          'member, admin',
          'PushRequest',
          'PushResponse',
          [400, 401, 403, 409, 413, 429],
        ),
      },
      '/v1/customers': {
        post: operation(
          'Upsert customers by externalId',
          'admin, integration',
          'CustomersUpsertRequest',
          'CustomersUpsertResponse',
          [400, 401, 403, 413, 429],
        ),
      },
      '/v1/engagements': {
        post: operation(
          'Ingest engagements, idempotent on (source, externalId); per-item results',
          'admin, integration',
          'EngagementsIngestRequest',
          'EngagementsIngestResponse',
          [400, 401, 403, 413, 429],
        ),
      },
      '/v1/presence': { post: presenceOperation() },
      '/v1/live': { get: liveOperation() },
    },
  };
  cached = { version, document };
  return document;
}
