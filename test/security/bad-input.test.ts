// @vitest-environment node
/**
 * Bad input, property-based (fast-check), over every endpoint's body and query: arbitrary JSON,
 * a wrong type / oversize string / unknown enum value / missing field at any field of a valid
 * batch, deep nesting, garbage bytes and invalid UTF-8, wrong content types. The server must
 * never answer 5xx, every 400 is `{ error: { code, message } }` whose message starts with the
 * offending field, and a rejected request writes nothing (a pull from the cursor taken just
 * before it returns no row). TOUCHBASE_TORTURE=1 runs ten times as many inputs.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  ACTIVITIES,
  CHANNELS,
  CUSTOMER_KINDS,
  DIRECTIONS,
  ErrorBody,
  fieldPath,
  IDENTITY_KINDS,
  LIMITS,
  VISIBILITIES,
} from '../../src/protocol';
import { DATABASES, startTestServer, type TestServer } from '../helpers/server';
import { call, type Reply, unique } from '../server/http';

const TORTURE = process.env.TOUCHBASE_TORTURE === '1';
/** inputs per property: sized so the file stays well under 60 s on both databases */
const runsFor = (database: string) => (database === 'postgres' ? 25 : 40) * (TORTURE ? 10 : 1);

// ------------------------------------------------------------------ invalid values per field kind

type Path = (string | number)[];
type FieldKind =
  | { type: 'string'; max: number; trimmed: boolean; required: boolean }
  | { type: 'enum'; values: readonly string[]; required: boolean }
  | { type: 'timestamp' | 'email' | 'url' | 'source'; required: boolean }
  | { type: 'positiveInt' | 'object'; required: boolean }
  | { type: 'array'; max: number; min: number; item: () => unknown };

const str = (max: number, required = true, trimmed = true): FieldKind => ({
  type: 'string',
  max,
  trimmed,
  required,
});
const oneOf = (values: readonly string[], required = true): FieldKind => ({
  type: 'enum',
  values,
  required,
});

/** Any JSON value but one of `type` (for 'object': not a plain object). */
const notA = (type: 'string' | 'object' | 'array') =>
  fc
    .oneof(
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.boolean(),
      fc.constant(null),
      fc.string({ maxLength: 20 }),
      fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
      fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
    )
    .filter((value) => {
      if (type === 'array') return !Array.isArray(value);
      if (type === 'object')
        return value === null || typeof value !== 'object' || Array.isArray(value);
      return typeof value !== type;
    });

/** A string no trimming can bring within `max`. */
const oversize = (max: number) =>
  fc
    .tuple(
      fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 50 }),
      fc.integer({ min: 1, max: 64 }),
    )
    .map(([tail, extra]) => `x${'y'.repeat(max + extra)}${tail}z`);

/** Values the field must refuse (undefined = the field is left out). */
function invalidFor(kind: FieldKind): fc.Arbitrary<unknown> {
  const missing = 'required' in kind && kind.required ? [fc.constant(undefined)] : [];
  switch (kind.type) {
    case 'string':
      return fc.oneof(
        notA('string'),
        oversize(kind.max),
        ...(kind.trimmed && kind.required ? [fc.constantFrom('', ' ', '\t\n ')] : []),
        ...missing,
      );
    case 'enum':
      return fc.oneof(
        notA('string'),
        fc.string({ maxLength: 30 }).filter((value) => !kind.values.includes(value)),
        // a near miss: the right word in the wrong case
        fc.constantFrom(...kind.values).map((value) => value.toUpperCase()),
        ...missing,
      );
    case 'timestamp':
      return fc.oneof(
        notA('string'),
        fc.constantFrom(
          'yesterday',
          '2026-13-01T00:00:00Z',
          '2026-11-01',
          '2026-11-01T10:00:00',
          '',
        ),
        ...missing,
      );
    case 'email':
      return fc.oneof(
        notA('string'),
        fc.string({ maxLength: 40 }).map((s) => s.replace(/@/g, '')),
        ...missing,
      );
    case 'url':
      return fc.oneof(
        notA('string'),
        fc.constantFrom(
          'javascript:alert(1)',
          'ftp://files.example.com/x',
          'not a url',
          'data:text/html,hi',
        ),
        fc.constant(`https://example.com/${'a'.repeat(LIMITS.url)}`),
        ...missing,
      );
    case 'source':
      // upper case, a leading dot, spaces: outside [a-z0-9][a-z0-9._-]*
      return fc.oneof(
        notA('string'),
        fc.string({ maxLength: 20 }).map((s) => `X${s}`),
        fc.constantFrom('.hidden', 'help desk', 'touchbase!'),
        oversize(50),
        ...missing,
      );
    case 'positiveInt':
      return fc.oneof(
        fc.constantFrom(0, -1, 1.5, '1', null, true, Number.MAX_SAFE_INTEGER + 2),
        fc.integer({ max: 0 }),
        ...missing,
      );
    case 'object':
      return fc.oneof(notA('object'), ...missing);
    case 'array':
      return fc.oneof(
        notA('array'),
        ...(kind.min > 0 ? [fc.constant([])] : []),
        fc.constant(Array.from({ length: kind.max + 1 }, kind.item)),
      );
  }
}

// ------------------------------------------------------------------ valid bodies and their fields

interface Target {
  /** the endpoint */
  path: string;
  /** the body's list of items and a valid item */
  listKey: string;
  item: () => Record<string, unknown>;
  /** every field of an item: where it is, what it must be, and which path the 400 names */
  fields: { at: Path; kind: FieldKind; named?: Path }[];
  /** the list itself */
  list: FieldKind;
}

const BAD_INPUT_CUSTOMER = 'bad-input-customer';
const MEMBER_EMAIL = 'mallory@badinput.test';

const customerItem = () => ({
  externalId: unique('bi-c'),
  name: 'Jane Doe',
  kind: 'person',
  company: 'Acme',
  tier: 'gold',
  identities: [{ kind: 'email', value: `${unique('jane')}@acme.test` }],
});
const engagementItem = () => ({
  externalId: unique('bi-e'),
  source: 'helpdesk',
  customer: { externalId: BAD_INPUT_CUSTOMER },
  colleagueEmail: MEMBER_EMAIL,
  channel: 'ticket',
  direction: 'inbound',
  occurredAt: '2026-11-01T10:00:00Z',
  summary: 'Printer on fire',
  topic: 'Hardware',
  url: 'https://helpdesk.example.com/t/1',
  visibility: 'team',
});

const TARGETS: Target[] = [
  {
    path: '/v1/customers',
    listKey: 'customers',
    item: customerItem,
    list: { type: 'array', min: 1, max: LIMITS.batchItems, item: customerItem },
    fields: [
      { at: [], kind: { type: 'object', required: true } },
      { at: ['externalId'], kind: str(LIMITS.externalId) },
      { at: ['name'], kind: str(LIMITS.name) },
      { at: ['kind'], kind: oneOf(CUSTOMER_KINDS) },
      { at: ['company'], kind: str(LIMITS.name, false) },
      { at: ['tier'], kind: str(50, false) },
      {
        at: ['identities'],
        kind: {
          type: 'array',
          min: 0,
          max: LIMITS.identitiesPerCustomer,
          item: () => ({ kind: 'email', value: `${unique('id')}@acme.test` }),
        },
      },
      { at: ['identities', 0], kind: { type: 'object', required: true } },
      { at: ['identities', 0, 'kind'], kind: oneOf(IDENTITY_KINDS) },
      { at: ['identities', 0, 'value'], kind: str(LIMITS.identityValue) },
    ],
  },
  {
    path: '/v1/engagements',
    listKey: 'engagements',
    item: engagementItem,
    list: { type: 'array', min: 1, max: LIMITS.batchItems, item: engagementItem },
    fields: [
      { at: [], kind: { type: 'object', required: true } },
      { at: ['externalId'], kind: str(LIMITS.externalId) },
      { at: ['source'], kind: { type: 'source', required: true } },
      { at: ['customer'], kind: { type: 'object', required: true } },
      // a union ({ externalId } | { identity }): zod names the union or the branch's field
      { at: ['customer', 'externalId'], kind: str(LIMITS.externalId), named: ['customer'] },
      { at: ['colleagueEmail'], kind: { type: 'email', required: true } },
      { at: ['channel'], kind: oneOf(CHANNELS) },
      { at: ['direction'], kind: oneOf(DIRECTIONS) },
      { at: ['occurredAt'], kind: { type: 'timestamp', required: true } },
      { at: ['summary'], kind: str(LIMITS.summary, false, false) },
      { at: ['topic'], kind: str(LIMITS.topic, false) },
      { at: ['url'], kind: { type: 'url', required: false } },
      { at: ['visibility'], kind: oneOf(VISIBILITIES, false) },
    ],
  },
];

/** Sets (or, for undefined, deletes) the value at path inside a copy of body. */
function withValueAt(body: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(body) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path.at(-1) as string | number;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}

const deepNesting = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

// ------------------------------------------------------------------ the properties

describe.each(DATABASES)('bad input on %s', (database) => {
  const skip = database === 'postgres' && !inject('touchbasePgUrl');
  const numRuns = runsFor(database);
  let server: TestServer;
  let member: string;
  let integration: string;
  let customerId: string;
  /** the admin's pull position: every row written since shows up in the next pull */
  let cursor: string | undefined;
  let inputs = 0;

  /** Rows (of any table, tombstones included) written since the last call. */
  const rowsWrittenSince = async () => {
    let rows = 0;
    for (;;) {
      const query = cursor ? `?cursor=${cursor}` : '';
      const reply = await call(server.url, `/v1/sync/pull${query}`, { token: server.adminToken });
      expect(reply.status).toBe(200);
      const { colleagues, customers, identities, engagements, deleted } = reply.body;
      rows +=
        colleagues.length +
        customers.length +
        identities.length +
        engagements.length +
        deleted.length;
      cursor = reply.body.cursor;
      if (!reply.body.hasMore) return rows;
    }
  };

  /** The checks every answer passes, whatever was sent. */
  const expectSane = (reply: Reply, what: unknown) => {
    inputs += 1;
    const label = JSON.stringify(what)?.slice(0, 300);
    expect(reply.status, label).toBeLessThan(500);
    if (reply.status >= 400) {
      expect(
        ErrorBody.safeParse(reply.body).success,
        `${label} → ${JSON.stringify(reply.body)}`,
      ).toBe(true);
    }
  };
  /** A 400 whose message starts with the field; `orInside` also takes a field below it. */
  const expectNamed = (reply: Reply<ErrorBody>, field: string, what: unknown, orInside = false) => {
    const label = `${JSON.stringify(what)?.slice(0, 300)} → ${JSON.stringify(reply.body)}`;
    expect(reply.status, label).toBe(400);
    const message: string = reply.body.error.message;
    const named = message.startsWith(`${field}:`) || (orInside && message.startsWith(`${field}.`));
    expect(named, label).toBe(true);
  };
  const post = (path: string, body: unknown, token = server.adminToken) =>
    call(server.url, path, {
      token,
      rawBody: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });

  beforeAll(async () => {
    if (skip) return;
    server = await startTestServer({ database });
    member = (
      await server.addUser({ name: 'Mallory Member', email: MEMBER_EMAIL, department: 'Sales' })
    ).token;
    integration = (
      await server.addUser({
        name: 'Helpdesk',
        email: 'helpdesk@badinput.test',
        department: 'Systems',
        role: 'integration',
      })
    ).token;
    const reply = await post('/v1/customers', {
      customers: [{ externalId: BAD_INPUT_CUSTOMER, name: 'Acme', kind: 'organization' }],
    });
    customerId = reply.body.results[0].id;
    // the write check sees writes: at least this customer is there
    expect(await rowsWrittenSince()).toBeGreaterThan(0);
  });
  afterAll(async () => {
    await server?.stop();
    if (!skip) console.info(`bad input on ${database}: ${inputs} inputs tried`);
  });

  for (const target of TARGETS) {
    it.skipIf(skip)(
      `${target.path}: one bad field anywhere in a batch → 400 naming it, nothing written`,
      async () => {
        const mutation = fc.oneof(
          ...target.fields.map(({ at, kind, named }) =>
            fc.record({
              at: fc.constant(at),
              named: fc.constant(named ?? at),
              orInside: fc.constant(named !== undefined),
              value: invalidFor(kind),
            }),
          ),
        );
        await fc.assert(
          fc.asyncProperty(
            fc.integer({ min: 1, max: 5 }),
            fc.nat(),
            mutation,
            async (size, position, { at, named, orInside, value }) => {
              const index = position % size;
              const valid = { [target.listKey]: Array.from({ length: size }, target.item) };
              const body = withValueAt(valid, [target.listKey, index, ...at], value);
              const reply = await post(target.path, body, integration);
              expectSane(reply, body);
              expectNamed(reply, fieldPath([target.listKey, index, ...named]), body, orInside);
              // the batch's valid items must not have been applied either
              expect(await rowsWrittenSince()).toBe(0);
            },
          ),
          { numRuns },
        );
      },
    );

    it.skipIf(skip)(`${target.path}: a bad list → 400 naming it, nothing written`, async () => {
      await fc.assert(
        fc.asyncProperty(invalidFor(target.list), async (value) => {
          const body = value === undefined ? {} : { [target.listKey]: value };
          const reply = await post(target.path, body, integration);
          expectSane(reply, body);
          expectNamed(reply, target.listKey, body);
          expect(await rowsWrittenSince()).toBe(0);
        }),
        { numRuns: Math.ceil(numRuns / 2) },
      );
    });
  }

  it.skipIf(skip)(
    'POST /v1/sync/push: a bad envelope → 400 naming the field, nothing written',
    async () => {
      const note = () => ({
        id: randomUUID(),
        customerId,
        channel: 'call',
        body: 'Called about renewal',
        visibility: 'team',
        occurredAt: '2026-11-01T10:00:00Z',
      });
      const mutationItem = () => ({ id: 1, name: 'note.create', args: note() });
      const fields: { at: Path; kind: FieldKind }[] = [
        { at: ['clientId'], kind: str(100, true, false) },
        {
          at: ['mutations'],
          kind: { type: 'array', min: 0, max: LIMITS.batchItems, item: mutationItem },
        },
        { at: ['mutations', 0], kind: { type: 'object', required: true } },
        { at: ['mutations', 0, 'id'], kind: { type: 'positiveInt', required: true } },
        { at: ['mutations', 0, 'name'], kind: str(100, true, false) },
      ];
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            ...fields.map(({ at, kind }) =>
              fc.record({ at: fc.constant(at), value: invalidFor(kind) }),
            ),
            // clientId has a minimum length too
            fc.record({
              at: fc.constant(['clientId'] as Path),
              value: fc.string({ minLength: 1, maxLength: 7 }),
            }),
          ),
          async ({ at, value }) => {
            const valid = { clientId: randomUUID(), mutations: [mutationItem()] };
            const body = withValueAt(valid, at, value);
            const reply = await post('/v1/sync/push', body, member);
            expectSane(reply, body);
            expectNamed(reply, fieldPath(at), body);
            expect(await rowsWrittenSince()).toBe(0);
          },
        ),
        { numRuns },
      );
    },
  );

  it.skipIf(skip)(
    'POST /v1/sync/push: bad note args → that mutation refused naming args.<field>, nothing written',
    async () => {
      const fields: { at: string; kind: FieldKind }[] = [
        { at: 'id', kind: str(100, true, false) },
        { at: 'customerId', kind: str(100, true, false) },
        { at: 'channel', kind: oneOf(CHANNELS) },
        { at: 'body', kind: str(LIMITS.noteBody) },
        { at: 'topic', kind: str(LIMITS.topic, false) },
        { at: 'visibility', kind: oneOf(VISIBILITIES) },
        { at: 'occurredAt', kind: { type: 'timestamp', required: true } },
      ];
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            ...fields.map(({ at, kind }) =>
              fc.record({ at: fc.constant(at), value: invalidFor(kind) }),
            ),
          ),
          async ({ at, value }) => {
            const args = withValueAt(
              {
                id: randomUUID(),
                customerId,
                channel: 'call',
                body: 'Called about renewal',
                topic: 'Renewal',
                visibility: 'team',
                occurredAt: '2026-11-01T10:00:00Z',
              },
              [at],
              value,
            );
            const body = {
              clientId: randomUUID(),
              mutations: [{ id: 1, name: 'note.create', args }],
            };
            const reply = await post('/v1/sync/push', body, member);
            expectSane(reply, body);
            expect(reply.status).toBe(200);
            expect(reply.body.results).toHaveLength(1);
            expect(reply.body.results[0]).toMatchObject({
              id: 1,
              ok: false,
              error: { code: 'invalid_args' },
            });
            expect(
              reply.body.results[0].error.message.startsWith(`args.${at}:`),
              JSON.stringify(reply.body),
            ).toBe(true);
            expect(await rowsWrittenSince()).toBe(0);
          },
        ),
        { numRuns },
      );
    },
  );

  it.skipIf(skip)('POST /v1/presence: a bad field → 400 naming it', async () => {
    const fields: { at: string; kind: FieldKind }[] = [
      { at: 'customerId', kind: str(100, true, false) },
      { at: 'activity', kind: oneOf([...ACTIVITIES, 'left']) },
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          ...fields.map(({ at, kind }) =>
            fc.record({ at: fc.constant(at), value: invalidFor(kind) }),
          ),
        ),
        async ({ at, value }) => {
          const body = withValueAt({ customerId, activity: 'viewing' }, [at], value);
          const reply = await post('/v1/presence', body, member);
          expectSane(reply, body);
          expectNamed(reply, at, body);
        },
      ),
      { numRuns },
    );
  });

  it.skipIf(skip)(
    'every POST endpoint: arbitrary JSON and deep nesting never get a 5xx',
    async () => {
      const bodies = fc.oneof(
        fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)),
        // JSON the schemas might half-accept: the right top-level keys over arbitrary values
        fc
          .record({
            key: fc.constantFrom(
              'customers',
              'engagements',
              'mutations',
              'clientId',
              'customerId',
              'activity',
            ),
            value: fc.jsonValue({ maxDepth: 4 }),
          })
          .map(({ key, value }) => JSON.stringify({ [key]: value, clientId: randomUUID() })),
        fc.integer({ min: 1, max: 50_000 }).map(deepNesting),
        fc
          .integer({ min: 1, max: 20_000 })
          .map(
            (depth) =>
              `{"clientId":"${randomUUID()}","mutations":[{"id":1,"name":"note.create","args":${deepNesting(depth)}}]}`,
          ),
      );
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom('/v1/customers', '/v1/engagements', '/v1/sync/push', '/v1/presence'),
          bodies,
          async (path, rawBody) => {
            const token =
              path === '/v1/customers' || path === '/v1/engagements' ? integration : member;
            const reply = await call(server.url, path, {
              token,
              rawBody,
              headers: { 'content-type': 'application/json' },
            });
            expectSane(reply, { path, rawBody: rawBody.slice(0, 200) });
            // any write here came from a body that is valid as a whole; drain it so later checks hold
            if (reply.status === 400) expect(await rowsWrittenSince()).toBe(0);
            else await rowsWrittenSince();
          },
        ),
        { numRuns: numRuns * 2 },
      );
    },
  );

  it.skipIf(skip)(
    'every POST endpoint: garbage bytes, invalid UTF-8 and wrong content types → 400 invalid_json',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom('/v1/customers', '/v1/engagements', '/v1/sync/push', '/v1/presence'),
          // bytes that are never a JSON document: a lone 0xff can start no UTF-8 sequence
          fc
            .uint8Array({ maxLength: 200 })
            .map((bytes) => Buffer.concat([Buffer.from([0xff]), bytes])),
          fc.constantFrom(
            'application/json',
            'text/plain',
            'application/x-www-form-urlencoded',
            'multipart/form-data; boundary=x',
            undefined,
          ),
          async (path, bytes, contentType) => {
            const token =
              path === '/v1/customers' || path === '/v1/engagements' ? integration : member;
            const response = await fetch(server.url + path, {
              method: 'POST',
              headers: {
                authorization: `Bearer ${token}`,
                ...(contentType ? { 'content-type': contentType } : {}),
              },
              body: bytes,
            });
            const text = await response.text();
            const reply: Reply<ErrorBody> = {
              status: response.status,
              body: JSON.parse(text),
              headers: response.headers,
            };
            expectSane(reply, { path, contentType, bytes: bytes.toString('hex').slice(0, 80) });
            expect(reply.status).toBe(400);
            expect(reply.body.error).toEqual({
              code: 'invalid_json',
              message: '(body): not valid JSON',
            });
            expect(await rowsWrittenSince()).toBe(0);
          },
        ),
        { numRuns },
      );
    },
  );

  it.skipIf(skip)('GET /v1/sync/pull: any cursor and limit → 200 or a 400 naming it', async () => {
    const instanceOf = async () => {
      const reply = await call(server.url, '/v1/sync/pull?limit=1', { token: member });
      return Buffer.from(reply.body.cursor, 'base64url').toString('utf8').split('.')[1] ?? '';
    };
    const instance = await instanceOf();
    const cursors = fc.oneof(
      fc.string({ maxLength: 250 }),
      fc.string({ unit: 'grapheme', maxLength: 50 }),
      // well-formed in shape, wrong inside: another database, a negative, huge or non-numeric seq
      fc
        .tuple(
          fc.constantFrom('v1', 'v2', ''),
          fc.constantFrom(instance, 'deadbeef', ''),
          fc.oneof(
            fc.constantFrom('-1', '1e309', 'NaN', '99999999999999999999', '9'.repeat(15), ''),
            fc.nat().map(String),
          ),
        )
        .map((parts) => Buffer.from(parts.join('.')).toString('base64url')),
    );
    const limits = fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.constantFrom(
        '0',
        '-1',
        '1.5',
        '5001',
        '1e3',
        '0x10',
        'Infinity',
        ' 7 ',
        '99999999999999999999',
      ),
      fc.integer({ min: -10, max: 6000 }).map(String),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.option(cursors, { nil: undefined }),
        fc.option(limits, { nil: undefined }),
        async (cursorParam, limitParam) => {
          const query = new URLSearchParams();
          if (cursorParam !== undefined) query.set('cursor', cursorParam);
          if (limitParam !== undefined) query.set('limit', limitParam);
          const reply = await call(server.url, `/v1/sync/pull?${query}`, { token: member });
          const what = { cursor: cursorParam, limit: limitParam };
          expectSane(reply, what);
          expect([200, 400], JSON.stringify(what)).toContain(reply.status);
          if (reply.status === 400) {
            const { code, message } = reply.body.error;
            expect(
              code === 'bad_cursor' ? /^cursor:/ : /^limit:/,
              JSON.stringify(reply.body),
            ).toSatisfy((pattern: RegExp) => pattern.test(message));
          } else {
            const limit = Number(limitParam ?? LIMITS.pullDefault);
            expect(
              Number.isInteger(limit) && limit >= 1 && limit <= LIMITS.pullMax,
              JSON.stringify(what),
            ).toBe(true);
          }
        },
      ),
      { numRuns: numRuns * 2 },
    );
  });

  it.skipIf(skip)(
    'GET /v1/config: any If-None-Match → 200, or 304 only for its own ETag',
    async () => {
      const first = await call(server.url, '/v1/config', { token: member });
      const etag = first.headers.get('etag') ?? '';
      expect(etag).not.toBe('');
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.string({
              unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
              maxLength: 200,
            }),
            fc.constantFrom(
              '*',
              'W/',
              '""',
              `W/${etag}`,
              `${etag}, "x"`,
              etag.slice(0, -1),
              `"${'9'.repeat(400)}"`,
            ),
          ),
          async (ifNoneMatch) => {
            const reply = await call(server.url, '/v1/config', {
              token: member,
              headers: { 'if-none-match': ifNoneMatch },
            });
            expectSane(reply, ifNoneMatch);
            expect([200, 304]).toContain(reply.status);
            // `*` matches any current representation (RFC 9110), so 304 is right for it
            const mentionsTag =
              ifNoneMatch.includes(etag.replace(/^W\//, '')) || ifNoneMatch.trim() === '*';
            if (reply.status === 304) expect(mentionsTag, ifNoneMatch).toBe(true);
          },
        ),
        { numRuns: numRuns * 2 },
      );
    },
  );
});
