/**
 * Wire protocol v1 — the contract between the extension and the API server.
 * Extend it (new optional fields, new endpoints); never change what a field means.
 * Both sides import these schemas: the server validates requests with them, the extension
 * types its cache with the inferred types. Content scripts never import this module (zod).
 */
import { z } from 'zod';

export const PROTOCOL_VERSION = 1;

export const IDENTITY_KINDS = [
  'email',
  'domain',
  'phone',
  'x',
  'linkedin',
  'linkedin-company',
  'facebook',
  'instagram',
  'reddit',
  'youtube',
  'bluesky',
  'github',
  'name',
] as const;
export const CHANNELS = ['email', 'call', 'meeting', 'ticket', 'social', 'chat', 'note'] as const;
export const DIRECTIONS = ['inbound', 'outbound', 'internal'] as const;
export const VISIBILITIES = ['team', 'restricted'] as const;
export const CUSTOMER_KINDS = ['person', 'organization'] as const;
export const ROLES = ['member', 'admin', 'integration'] as const;
export const ACTIVITIES = ['viewing', 'composing'] as const;
export const SYNC_TABLES = ['colleagues', 'customers', 'identities', 'engagements'] as const;

/** Limits shared by both sides so the extension can refuse what the server would reject. */
export const LIMITS = {
  /** items in one ingest batch or one push */
  batchItems: 1000,
  /** bytes of one request body */
  bodyBytes: 4 * 1024 * 1024,
  pullDefault: 1000,
  pullMax: 5000,
  noteBody: 4000,
  summary: 4000,
  topic: 200,
  name: 200,
  externalId: 200,
  identityValue: 320,
  url: 2048,
  identitiesPerCustomer: 50,
} as const;

export const IdentityKind = z.enum(IDENTITY_KINDS);
export const Channel = z.enum(CHANNELS);
export const Direction = z.enum(DIRECTIONS);
export const Visibility = z.enum(VISIBILITIES);
export const CustomerKind = z.enum(CUSTOMER_KINDS);
export const Role = z.enum(ROLES);
export const Activity = z.enum(ACTIVITIES);
export const SyncTable = z.enum(SYNC_TABLES);

export type IdentityKind = z.infer<typeof IdentityKind>;
export type Channel = z.infer<typeof Channel>;
export type Direction = z.infer<typeof Direction>;
export type Visibility = z.infer<typeof Visibility>;
export type CustomerKind = z.infer<typeof CustomerKind>;
export type Role = z.infer<typeof Role>;
export type Activity = z.infer<typeof Activity>;
export type SyncTable = z.infer<typeof SyncTable>;

/** ISO-8601 timestamp with an offset, e.g. 2026-11-23T10:00:00.000Z */
export const Timestamp = z.iso.datetime({ offset: true });

// ---------------------------------------------------------------- entities (as pulled)

export const Colleague = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  department: z.string(),
  title: z.string().optional(),
});
export type Colleague = z.infer<typeof Colleague>;

export const Customer = z.object({
  id: z.string(),
  name: z.string(),
  kind: CustomerKind,
  company: z.string().optional(),
  tier: z.string().optional(),
  updatedAt: Timestamp,
});
export type Customer = z.infer<typeof Customer>;

export const Identity = z.object({
  id: z.string(),
  customerId: z.string(),
  kind: IdentityKind,
  value: z.string(),
});
export type Identity = z.infer<typeof Identity>;

export const Engagement = z.object({
  id: z.string(),
  customerId: z.string(),
  colleagueId: z.string(),
  channel: Channel,
  direction: Direction,
  occurredAt: Timestamp,
  /** null when the engagement is restricted and the reader is neither its author nor an admin */
  summary: z.string().nullable(),
  topic: z.string().optional(),
  url: z.string().optional(),
  source: z.string(),
  visibility: Visibility,
});
export type Engagement = z.infer<typeof Engagement>;

// ---------------------------------------------------------------- errors

export const ErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

// ---------------------------------------------------------------- GET /v1/health, /v1/me

export const HealthResponse = z.object({
  ok: z.literal(true),
  version: z.string(),
  database: z.enum(['sqlite', 'postgres']),
});
export type HealthResponse = z.infer<typeof HealthResponse>;

export const MeResponse = z.object({
  colleague: Colleague,
  /** extension of v1: lets the options page say what the token may do */
  role: Role,
});
export type MeResponse = z.infer<typeof MeResponse>;

// ---------------------------------------------------------------- GET /v1/config

/**
 * A site adapter's id as the extension names it (`gmail`, `linkedin`): a lower-case slug. The
 * server does not know the extension's adapter list, so it checks only this shape.
 */
export const AdapterId = z
  .string()
  .max(40)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'a lower-case slug such as "linkedin"');

/**
 * Server-wide settings every client follows. Served with an ETag; a client sends it back as
 * If-None-Match and gets 304 while nothing changed.
 */
export const ConfigResponse = z.object({
  /** counts the changes of this configuration; grows with each */
  version: z.number().int().nonnegative(),
  /** when an admin last changed it; null if never */
  updatedAt: Timestamp.nullable(),
  /** adapters the extension must not run (an admin's kill switch), sorted */
  disabledAdapters: z.array(z.string()),
});
export type ConfigResponse = z.infer<typeof ConfigResponse>;

// ---------------------------------------------------------------- GET /v1/sync/pull

export const PullQuery = z.object({
  cursor: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(LIMITS.pullMax).default(LIMITS.pullDefault),
});
export type PullQuery = z.infer<typeof PullQuery>;

export const PullResponse = z.object({
  cursor: z.string(),
  hasMore: z.boolean(),
  colleagues: z.array(Colleague),
  customers: z.array(Customer),
  identities: z.array(Identity),
  engagements: z.array(Engagement),
  deleted: z.array(z.object({ table: SyncTable, id: z.string() })),
});
export type PullResponse = z.infer<typeof PullResponse>;

// ---------------------------------------------------------------- POST /v1/sync/push

const noteId = z.string().min(1).max(100);
const noteBody = z.string().trim().min(1).max(LIMITS.noteBody);
const topic = z.string().trim().max(LIMITS.topic);

export const NoteCreateArgs = z.object({
  id: noteId,
  customerId: z.string().min(1).max(100),
  channel: Channel,
  body: noteBody,
  topic: topic.optional(),
  visibility: Visibility,
  occurredAt: Timestamp,
});
export type NoteCreateArgs = z.infer<typeof NoteCreateArgs>;

/** Only the fields given change; the note keeps its author and customer. */
export const NoteUpdateArgs = z.object({
  id: noteId,
  channel: Channel.optional(),
  body: noteBody.optional(),
  topic: topic.optional(),
  visibility: Visibility.optional(),
});
export type NoteUpdateArgs = z.infer<typeof NoteUpdateArgs>;

export const NoteDeleteArgs = z.object({ id: noteId });
export type NoteDeleteArgs = z.infer<typeof NoteDeleteArgs>;

export const MUTATION_ARGS = {
  'note.create': NoteCreateArgs,
  'note.update': NoteUpdateArgs,
  'note.delete': NoteDeleteArgs,
} as const;
export type MutationName = keyof typeof MUTATION_ARGS;
export type MutationArgs<N extends MutationName> = z.infer<(typeof MUTATION_ARGS)[N]>;

/**
 * The envelope is validated strictly (400 on a bad envelope); each mutation's name and args are
 * checked one by one and a bad one is acknowledged with an error, so one bad note never blocks
 * the notes queued behind it.
 */
export const PushRequest = z.object({
  clientId: z.string().min(8).max(100),
  mutations: z
    .array(
      z.object({
        id: z.number().int().positive(),
        name: z.string().min(1).max(100),
        args: z.unknown(),
      }),
    )
    .max(LIMITS.batchItems),
});
export type PushRequest = z.infer<typeof PushRequest>;

export const ItemError = z.object({ code: z.string(), message: z.string() });
export type ItemError = z.infer<typeof ItemError>;

export const PushResponse = z.object({
  lastMutationId: z.number().int().nonnegative(),
  results: z.array(
    z.object({ id: z.number().int(), ok: z.boolean(), error: ItemError.optional() }),
  ),
});
export type PushResponse = z.infer<typeof PushResponse>;

// ---------------------------------------------------------------- POST /v1/customers

export const IdentityInput = z.object({
  kind: IdentityKind,
  value: z.string().trim().min(1).max(LIMITS.identityValue),
});
export type IdentityInput = z.infer<typeof IdentityInput>;

export const CustomerInput = z.object({
  externalId: z.string().trim().min(1).max(LIMITS.externalId),
  name: z.string().trim().min(1).max(LIMITS.name),
  kind: CustomerKind,
  company: z.string().trim().max(LIMITS.name).optional(),
  tier: z.string().trim().max(50).optional(),
  identities: z.array(IdentityInput).max(LIMITS.identitiesPerCustomer).default([]),
});
export type CustomerInput = z.infer<typeof CustomerInput>;

export const CustomersUpsertRequest = z.object({
  customers: z.array(CustomerInput).min(1).max(LIMITS.batchItems),
});
export type CustomersUpsertRequest = z.infer<typeof CustomersUpsertRequest>;

export const CustomersUpsertResponse = z.object({
  results: z.array(
    z.object({
      externalId: z.string(),
      ok: z.boolean(),
      id: z.string().optional(),
      created: z.boolean().optional(),
      error: ItemError.optional(),
    }),
  ),
});
export type CustomersUpsertResponse = z.infer<typeof CustomersUpsertResponse>;

// ---------------------------------------------------------------- POST /v1/engagements

export const CustomerRef = z.union([
  z.object({ externalId: z.string().trim().min(1).max(LIMITS.externalId) }),
  z.object({ identity: IdentityInput }),
]);
export type CustomerRef = z.infer<typeof CustomerRef>;

export const EngagementInput = z.object({
  externalId: z.string().trim().min(1).max(LIMITS.externalId),
  source: z
    .string()
    .trim()
    .min(1)
    .max(50)
    .regex(/^[a-z0-9][a-z0-9._-]*$/, 'lower-case letters, digits, ".", "_" or "-"'),
  customer: CustomerRef,
  colleagueEmail: z.string().trim().toLowerCase().pipe(z.email()),
  channel: Channel,
  direction: Direction,
  occurredAt: Timestamp,
  summary: z.string().max(LIMITS.summary).optional(),
  topic: topic.optional(),
  url: z
    .url({ protocol: /^https?$/ })
    .max(LIMITS.url)
    .optional(),
  visibility: Visibility.default('team'),
});
export type EngagementInput = z.infer<typeof EngagementInput>;

export const EngagementsIngestRequest = z.object({
  engagements: z.array(EngagementInput).min(1).max(LIMITS.batchItems),
});
export type EngagementsIngestRequest = z.infer<typeof EngagementsIngestRequest>;

export const EngagementsIngestResponse = z.object({
  results: z.array(
    z.object({
      externalId: z.string(),
      ok: z.boolean(),
      id: z.string().optional(),
      /** true when (source, externalId) was already ingested: nothing changed */
      duplicate: z.boolean().optional(),
      error: ItemError.optional(),
    }),
  ),
});
export type EngagementsIngestResponse = z.infer<typeof EngagementsIngestResponse>;

// ---------------------------------------------------------------- POST /v1/presence, GET /v1/live

/**
 * A heartbeat: "I am viewing / writing to this customer now". Send it every
 * PRESENCE.heartbeatMs while it holds; it lapses PRESENCE.ttlMs after the last one.
 * Extension of v1: `activity: "left"` ends it at once (a closed sidebar, a sent mail), so
 * colleagues need not wait for the expiry.
 */
export const PresenceRequest = z.object({
  customerId: z.string().min(1).max(100),
  activity: z.enum([...ACTIVITIES, 'left']),
});
export type PresenceRequest = z.infer<typeof PresenceRequest>;

export const PRESENCE = {
  /** how often a client renews a presence that still holds */
  heartbeatMs: 10_000,
  /** how long the server keeps a presence after its last heartbeat (the default) */
  ttlMs: 30_000,
} as const;

/**
 * One event of the live stream (each SSE `data:` line is one of these as JSON).
 * `poke`: something changed on the server; pull. It carries no data, so it never leaks a
 * restricted engagement. `presence`: a colleague on a customer now, until `expiresAt` unless
 * renewed; an event whose `expiresAt` is not after its `at` ends that presence at once.
 */
export const LiveEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('poke') }),
  z.object({
    type: z.literal('presence'),
    colleagueId: z.string(),
    customerId: z.string(),
    activity: Activity,
    at: Timestamp,
    /** extension of v1, always sent by this server; both timestamps are the server's clock */
    expiresAt: Timestamp.optional(),
  }),
]);
export type LiveEvent = z.infer<typeof LiveEvent>;
export type PresenceEvent = Extract<LiveEvent, { type: 'presence' }>;

/** Turns a zod issue path into the field name an error message shows: `customers[3].kind`. */
export function fieldPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(body)';
}

/** One readable line per problem, each naming its field. */
export function describeZodError(error: z.ZodError, under: PropertyKey[] = []): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${fieldPath([...under, ...issue.path])}: ${issue.message}`)
    .join('; ');
}
