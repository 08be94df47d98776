// @vitest-environment node
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LIMITS, PullResponse, type PushResponse } from '../../src/protocol';
import { DATABASES, startTestServer, type TestServer } from '../helpers/server';
import { call, unique } from './http';

type User = { token: string; colleagueId: string };

describe.each(DATABASES)('sync on %s', (database) => {
  const skip = database === 'postgres' && !inject('touchbasePgUrl');
  let server: TestServer;
  let ana: User;
  let ben: User;
  let customerId: string;

  const pull = async (token: string, query = '') => {
    const reply = await call(server.url, `/v1/sync/pull${query}`, { token });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    return PullResponse.parse(reply.body);
  };
  /** Pulls from `cursor` until hasMore is false; returns every page's rows and the last cursor. */
  const pullAll = async (token: string, cursor = '', limit = 5000) => {
    const pages: PullResponse[] = [];
    for (;;) {
      const page = await pull(token, `?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
      pages.push(page);
      cursor = page.cursor;
      if (!page.hasMore) break;
    }
    return {
      cursor,
      pages,
      engagements: pages.flatMap((p) => p.engagements),
      customers: pages.flatMap((p) => p.customers),
      identities: pages.flatMap((p) => p.identities),
      colleagues: pages.flatMap((p) => p.colleagues),
      deleted: pages.flatMap((p) => p.deleted),
    };
  };
  const push = (user: User, clientId: string, mutations: unknown[]) =>
    call<PushResponse>(server.url, '/v1/sync/push', {
      token: user.token,
      body: { clientId, mutations },
    });
  const note = (overrides: Record<string, unknown> = {}) => ({
    id: randomUUID(),
    customerId,
    channel: 'note',
    body: `note ${unique('body')}`,
    visibility: 'team',
    occurredAt: '2026-11-23T09:30:00.000Z',
    ...overrides,
  });

  beforeAll(async () => {
    if (skip) return;
    server = await startTestServer({ database });
    ana = await server.addUser({
      name: 'Ana Sales',
      email: 'ana@brightwave.test',
      department: 'Sales',
    });
    ben = await server.addUser({
      name: 'Ben Support',
      email: 'ben@brightwave.test',
      department: 'Support',
    });
    const reply = await call(server.url, '/v1/customers', {
      token: server.adminToken,
      body: {
        customers: [
          {
            externalId: 'sync-c1',
            name: 'Carla Customer',
            kind: 'person',
            identities: [{ kind: 'email', value: 'carla@acme.com' }],
          },
        ],
      },
    });
    customerId = reply.body.results[0].id;
  });
  afterAll(async () => {
    await server?.stop();
  });

  it.skipIf(skip)(
    'pages through every row in small pages, then an empty pull keeps the cursor',
    async () => {
      const whole = await pullAll(ana.token);
      const paged = await pullAll(ana.token, '', 2);
      expect(paged.pages.length).toBeGreaterThan(2);
      for (const page of paged.pages) {
        const rows =
          page.colleagues.length +
          page.customers.length +
          page.identities.length +
          page.engagements.length +
          page.deleted.length;
        expect(rows).toBeLessThanOrEqual(2);
      }
      expect(paged.colleagues.map((c) => c.email).sort()).toEqual(
        whole.colleagues.map((c) => c.email).sort(),
      );
      expect(paged.colleagues.map((c) => c.email)).toEqual(
        expect.arrayContaining([
          'admin@touchbase.test',
          'ana@brightwave.test',
          'ben@brightwave.test',
        ]),
      );
      expect(paged.customers.map((c) => c.id)).toEqual([customerId]);
      expect(paged.identities).toEqual([
        { id: expect.any(String), customerId, kind: 'email', value: 'carla@acme.com' },
      ]);

      const empty = await pull(ana.token, `?cursor=${whole.cursor}`);
      expect(empty).toEqual({
        cursor: whole.cursor,
        hasMore: false,
        colleagues: [],
        customers: [],
        identities: [],
        engagements: [],
        deleted: [],
      });
    },
  );

  it.skipIf(skip)('refuses bad cursors and limits with 400', async () => {
    const foreign = Buffer.from('v1.000000000000.5').toString('base64url');
    for (const cursor of [
      'abc',
      'not a cursor!',
      foreign,
      'x'.repeat(300),
      Buffer.from('v1.zz.-1').toString('base64url'),
    ]) {
      const reply = await call(server.url, `/v1/sync/pull?cursor=${encodeURIComponent(cursor)}`, {
        token: ana.token,
      });
      expect(reply.status, cursor).toBe(400);
      expect(reply.body.error.code).toBe('bad_cursor');
      expect(reply.body.error.message).toMatch(/^cursor/);
    }
    const { cursor } = await pull(ana.token);
    const decoded = Buffer.from(cursor, 'base64url').toString();
    const ahead = Buffer.from(decoded.replace(/\d+$/, '999999999')).toString('base64url');
    expect(
      (await call(server.url, `/v1/sync/pull?cursor=${ahead}`, { token: ana.token })).body.error
        .code,
    ).toBe('bad_cursor');
    for (const limit of ['0', String(LIMITS.pullMax + 1), 'many', '1.5']) {
      const reply = await call(server.url, `/v1/sync/pull?limit=${limit}`, { token: ana.token });
      expect(reply.status, limit).toBe(400);
      expect(reply.body.error.message).toMatch(/^limit/);
    }
  });

  it.skipIf(skip)(
    'restricted engagements reach others without summary, topic or url; author and admins see all',
    async () => {
      const externalId = unique('fin');
      const ingest = await call(server.url, '/v1/engagements', {
        token: server.adminToken,
        body: {
          engagements: [
            {
              externalId,
              source: 'netsuite',
              customer: { externalId: 'sync-c1' },
              colleagueEmail: 'ana@brightwave.test',
              channel: 'email',
              direction: 'outbound',
              occurredAt: '2026-11-01T10:00:00Z',
              summary: 'Invoice 4411 overdue',
              topic: 'Collections',
              url: 'https://erp.example.com/inv/4411',
              visibility: 'restricted',
            },
          ],
        },
      });
      const id = ingest.body.results[0].id;
      const restrictedNote = note({
        visibility: 'restricted',
        body: 'Ben’s private note',
        topic: 'Escalation',
      });
      const pushed = await push(ben, randomUUID(), [
        { id: 1, name: 'note.create', args: restrictedNote },
      ]);
      expect(pushed.body.results).toEqual([{ id: 1, ok: true }]);

      const seenBy = async (user: string) => {
        const rows = (await pullAll(user)).engagements;
        return [rows.find((e) => e.id === id), rows.find((e) => e.id === restrictedNote.id)];
      };
      const [anaInvoice, anaNote] = await seenBy(ana.token);
      expect(anaInvoice).toMatchObject({
        summary: 'Invoice 4411 overdue',
        topic: 'Collections',
        url: 'https://erp.example.com/inv/4411',
      });
      expect(anaNote).toEqual({
        id: restrictedNote.id,
        customerId,
        colleagueId: ben.colleagueId,
        channel: 'note',
        direction: 'internal',
        occurredAt: restrictedNote.occurredAt,
        summary: null,
        source: 'touchbase',
        visibility: 'restricted',
      });
      const [benInvoice, benNote] = await seenBy(ben.token);
      expect(benInvoice).toEqual({
        id,
        customerId,
        colleagueId: ana.colleagueId,
        channel: 'email',
        direction: 'outbound',
        occurredAt: '2026-11-01T10:00:00.000Z',
        summary: null,
        source: 'netsuite',
        visibility: 'restricted',
      });
      expect(benNote).toMatchObject({ summary: 'Ben’s private note', topic: 'Escalation' });
      const [adminInvoice, adminNote] = await seenBy(server.adminToken);
      expect(adminInvoice?.summary).toBe('Invoice 4411 overdue');
      expect(adminNote?.summary).toBe('Ben’s private note');
    },
  );

  it.skipIf(skip)(
    'notes: create, update and delete become engagement rows and a tombstone',
    async () => {
      const { cursor } = await pullAll(ana.token);
      const clientId = randomUUID();
      const created = note({ topic: 'Renewal' });
      const first = await push(ana, clientId, [{ id: 1, name: 'note.create', args: created }]);
      expect(first.status).toBe(200);
      expect(first.body).toEqual({ lastMutationId: 1, results: [{ id: 1, ok: true }] });
      let changes = await pullAll(ben.token, cursor);
      expect(changes.engagements).toEqual([
        {
          id: created.id,
          customerId,
          colleagueId: ana.colleagueId,
          channel: 'note',
          direction: 'internal',
          occurredAt: created.occurredAt,
          summary: created.body,
          topic: 'Renewal',
          source: 'touchbase',
          visibility: 'team',
        },
      ]);

      const updated = await push(ana, clientId, [
        {
          id: 2,
          name: 'note.update',
          args: { id: created.id, body: 'Renewal signed', channel: 'call' },
        },
      ]);
      expect(updated.body.results).toEqual([{ id: 2, ok: true }]);
      changes = await pullAll(ben.token, changes.cursor);
      expect(changes.engagements).toEqual([
        expect.objectContaining({
          id: created.id,
          summary: 'Renewal signed',
          channel: 'call',
          topic: 'Renewal',
        }),
      ]);

      const deleted = await push(ana, clientId, [
        { id: 3, name: 'note.delete', args: { id: created.id } },
      ]);
      expect(deleted.body.results).toEqual([{ id: 3, ok: true }]);
      changes = await pullAll(ben.token, changes.cursor);
      expect(changes.engagements).toEqual([]);
      expect(changes.deleted).toEqual([{ table: 'engagements', id: created.id }]);
    },
  );

  it.skipIf(skip)(
    'a replayed push is acknowledged and applied once; ids up to lastMutationId are skipped',
    async () => {
      const clientId = randomUUID();
      const notes = [note(), note(), note()];
      const batch = notes.map((args, index) => ({ id: index + 1, name: 'note.create', args }));
      const first = await push(ana, clientId, batch);
      const again = await push(ana, clientId, batch);
      expect(first.body).toEqual({
        lastMutationId: 3,
        results: [1, 2, 3].map((id) => ({ id, ok: true })),
      });
      expect(again.body).toEqual(first.body);

      const more = [note(), note()];
      const overlap = await push(ana, clientId, [
        { id: 2, name: 'note.create', args: notes[1] },
        { id: 3, name: 'note.create', args: notes[2] },
        { id: 4, name: 'note.create', args: more[0] },
        { id: 5, name: 'note.create', args: more[1] },
      ]);
      expect(overlap.body.lastMutationId).toBe(5);
      expect(overlap.body.results.every((r) => r.ok)).toBe(true);

      const bodies = (await pullAll(ana.token)).engagements.map((e) => e.summary);
      for (const args of [...notes, ...more])
        expect(bodies.filter((b) => b === args.body)).toHaveLength(1);
    },
  );

  it.skipIf(skip)(
    'a mutation that cannot apply is acknowledged with its reason; the rest still apply',
    async () => {
      const clientId = randomUUID();
      const bensNote = note();
      await push(ben, randomUUID(), [{ id: 1, name: 'note.create', args: bensNote }]);
      const good = note();
      const afterwards = note();
      const batch = [
        { id: 10, name: 'note.create', args: note({ customerId: 'no-such-customer' }) },
        { id: 11, name: 'note.create', args: good },
        { id: 12, name: 'note.create', args: note({ body: 'x'.repeat(LIMITS.noteBody + 1) }) },
        { id: 13, name: 'note.frobnicate', args: {} },
        { id: 14, name: 'note.update', args: { id: bensNote.id, body: 'hijacked' } },
        { id: 15, name: 'note.delete', args: { id: 'never-existed' } },
        { id: 16, name: 'note.create', args: note({ visibility: 'public' }) },
        { id: 17, name: 'note.create', args: afterwards },
        { id: 18, name: 'note.create', args: 'not an object' },
      ];
      const reply = await push(ana, clientId, batch);
      expect(reply.status).toBe(200);
      const codes = reply.body.results.map((r) => [r.id, r.ok, r.error?.code]);
      expect(codes).toEqual([
        [10, false, 'unknown_customer'],
        [11, true, undefined],
        [12, false, 'invalid_args'],
        [13, false, 'unknown_mutation'],
        [14, false, 'not_your_note'],
        [15, false, 'unknown_note'],
        [16, false, 'invalid_args'],
        [17, true, undefined],
        [18, false, 'invalid_args'],
      ]);
      expect(reply.body.results[2]?.error?.message).toMatch(/^args\.body: /);
      expect(reply.body.results[6]?.error?.message).toMatch(/^args\.visibility: /);
      expect(reply.body.results[8]?.error?.message).toMatch(/^args: /);
      expect(reply.body.lastMutationId).toBe(18);

      // replaying reports the same refusals
      const replay = await push(ana, clientId, batch);
      expect(replay.body).toEqual(reply.body);

      const rows = (await pullAll(ana.token)).engagements;
      expect(rows.filter((e) => e.id === good.id || e.id === afterwards.id)).toHaveLength(2);
      expect(rows.find((e) => e.id === bensNote.id)?.summary).toBe(bensNote.body);
    },
  );

  it.skipIf(skip)(
    'a clientId belongs to one colleague; the push envelope is validated strictly',
    async () => {
      const clientId = randomUUID();
      await push(ana, clientId, [{ id: 1, name: 'note.create', args: note() }]);
      const stolen = await push(ben, clientId, [{ id: 2, name: 'note.create', args: note() }]);
      expect(stolen.status).toBe(409);
      expect((stolen.body as unknown as { error: { code: string } }).error.code).toBe(
        'client_conflict',
      );

      const cases: [unknown, RegExp][] = [
        [{ clientId: 'short', mutations: [] }, /^clientId/],
        [{ clientId: randomUUID(), mutations: 'none' }, /^mutations/],
        [
          { clientId: randomUUID(), mutations: [{ id: 1.5, name: 'note.create', args: {} }] },
          /^mutations\[0\]\.id/,
        ],
        [{ clientId: randomUUID(), mutations: [{ id: 1, args: {} }] }, /^mutations\[0\]\.name/],
        [
          {
            clientId: randomUUID(),
            mutations: Array.from({ length: LIMITS.batchItems + 1 }, (_, i) => ({
              id: i + 1,
              name: 'note.delete',
              args: { id: 'x' },
            })),
          },
          /^mutations/,
        ],
        [{ mutations: [] }, /^clientId/],
      ];
      for (const [body, field] of cases) {
        const reply = await call(server.url, '/v1/sync/push', { token: ana.token, body });
        expect(reply.status, JSON.stringify(body).slice(0, 80)).toBe(400);
        expect(reply.body.error.message).toMatch(field);
      }
    },
  );

  it.skipIf(skip)(
    'concurrent writers while a client pulls in small pages: every row arrives exactly once',
    async () => {
      const { cursor: start } = await pullAll(ana.token);
      const integration = await server.addUser({
        name: 'Bulk CRM',
        email: `${unique('bulk')}@brightwave.test`,
        department: 'Systems',
        role: 'integration',
      });
      const expected = new Set<string>();
      const writers = Array.from({ length: 6 }, async (_, writer) => {
        for (let round = 0; round < 8; round++) {
          if (writer % 3 === 0) {
            const customers = Array.from({ length: 4 }, (_, i) => ({
              externalId: unique(`cc${writer}-${round}-${i}-`),
              name: `Concurrent ${writer}.${round}.${i}`,
              kind: 'person',
              identities: [{ kind: 'github', value: unique('gh') }],
            }));
            const reply = await call(server.url, '/v1/customers', {
              token: integration.token,
              body: { customers },
            });
            expect(reply.status).toBe(200);
            for (const result of reply.body.results) expect(result.ok).toBe(true);
            for (const result of reply.body.results) expected.add(`customers:${result.id}`);
          } else if (writer % 3 === 1) {
            const engagements = Array.from({ length: 10 }, () => ({
              externalId: unique('ce'),
              source: 'bulk',
              customer: { externalId: 'sync-c1' },
              colleagueEmail: 'ben@brightwave.test',
              channel: 'chat',
              direction: 'inbound',
              occurredAt: '2026-11-22T12:00:00Z',
            }));
            const reply = await call(server.url, '/v1/engagements', {
              token: integration.token,
              body: { engagements },
            });
            expect(reply.status).toBe(200);
            for (const result of reply.body.results) expected.add(`engagements:${result.id}`);
          } else {
            const notes = Array.from({ length: 3 }, () => note());
            const reply = await push(
              writer % 2 ? ana : ben,
              `writer-${writer}-${start.slice(-6)}`,
              notes.map((args, i) => ({ id: round * 10 + i + 1, name: 'note.create', args })),
            );
            expect(reply.body.results.every((r) => r.ok)).toBe(true);
            for (const args of notes) expected.add(`engagements:${args.id}`);
          }
        }
      });
      let writing = true;
      const done = Promise.all(writers).finally(() => {
        writing = false;
      });
      const seen = new Map<string, number>();
      let cursor = start;
      let pulls = 0;
      for (;;) {
        const stillWriting = writing;
        const page = await pull(ana.token, `?limit=7&cursor=${cursor}`);
        pulls += 1;
        for (const row of page.customers)
          seen.set(`customers:${row.id}`, (seen.get(`customers:${row.id}`) ?? 0) + 1);
        for (const row of page.engagements)
          seen.set(`engagements:${row.id}`, (seen.get(`engagements:${row.id}`) ?? 0) + 1);
        cursor = page.cursor;
        if (!stillWriting && !page.hasMore) break;
      }
      await done;
      expect(pulls).toBeGreaterThan(10);
      const missing = [...expected].filter((key) => !seen.has(key));
      const twice = [...seen].filter(([, count]) => count > 1);
      expect(missing).toEqual([]);
      expect(twice).toEqual([]);
      expect(expected.size).toBe(2 * 8 * 4 + 2 * 8 * 10 + 2 * 8 * 3);
    },
  );
});
