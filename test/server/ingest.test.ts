// @vitest-environment node
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  CustomersUpsertResponse,
  EngagementsIngestResponse,
  LIMITS,
  PullResponse,
} from '../../src/protocol';
import { DATABASES, startTestServer, type TestServer } from '../helpers/server';
import { call, unique } from './http';

/** Everything a fresh pull returns (as the admin), following hasMore. */
async function pullAll(server: TestServer, token = server.adminToken): Promise<PullResponse> {
  const all: PullResponse = {
    cursor: '',
    hasMore: false,
    colleagues: [],
    customers: [],
    identities: [],
    engagements: [],
    deleted: [],
  };
  let cursor = '';
  for (;;) {
    const reply = await call(
      server.url,
      `/v1/sync/pull?limit=5000${cursor ? `&cursor=${cursor}` : ''}`,
      { token },
    );
    expect(reply.status).toBe(200);
    const page = PullResponse.parse(reply.body);
    all.colleagues.push(...page.colleagues);
    all.customers.push(...page.customers);
    all.identities.push(...page.identities);
    all.engagements.push(...page.engagements);
    all.deleted.push(...page.deleted);
    cursor = page.cursor;
    if (!page.hasMore) return { ...all, cursor };
  }
}

describe.each(DATABASES)('ingest on %s', (database) => {
  const skip = database === 'postgres' && !inject('touchbasePgUrl');
  let server: TestServer;
  let integration: string;

  beforeAll(async () => {
    if (skip) return;
    server = await startTestServer({ database });
    integration = (
      await server.addUser({
        name: 'CRM',
        email: 'crm@brightwave.test',
        department: 'Systems',
        role: 'integration',
      })
    ).token;
    await server.addUser({
      name: 'Sam Support',
      email: 'sam@brightwave.test',
      department: 'Support',
    });
  });
  afterAll(async () => {
    await server?.stop();
  });

  const upsert = (customers: unknown[], token = integration) =>
    call(server.url, '/v1/customers', { token, body: { customers } });
  const ingest = (engagements: unknown[], token = integration) =>
    call(server.url, '/v1/engagements', { token, body: { engagements } });

  it.skipIf(skip)('upserts customers by externalId with normalised identity keys', async () => {
    const jane = unique('jane');
    const reply = await upsert([
      {
        externalId: jane,
        name: 'Jane Doe',
        kind: 'person',
        company: 'Acme',
        tier: 'enterprise',
        ignoredField: 'unknown fields are ignored',
        identities: [
          { kind: 'email', value: ` ${jane}+News@Acme.COM ` },
          { kind: 'linkedin', value: 'https://www.linkedin.com/in/Zo%C3%AB-M%C3%BCller/' },
          { kind: 'x', value: '@JaneDoe' },
        ],
      },
    ]);
    expect(reply.status).toBe(200);
    const [result] = CustomersUpsertResponse.parse(reply.body).results;
    expect(result).toMatchObject({
      externalId: jane,
      ok: true,
      created: true,
      id: expect.any(String),
    });

    const all = await pullAll(server);
    const keys = all.identities
      .filter((identity) => identity.customerId === result?.id)
      .map((i) => `${i.kind}:${i.value}`);
    expect(keys.sort()).toEqual(
      [
        `email:${jane}+news@acme.com`,
        `email:${jane}@acme.com`,
        'linkedin:zoë-müller',
        'x:janedoe',
      ].sort(),
    );
    expect(all.customers.find((c) => c.id === result?.id)).toMatchObject({
      name: 'Jane Doe',
      company: 'Acme',
      tier: 'enterprise',
    });

    // the same upsert again changes nothing, so nothing new is pulled
    const again = await upsert([
      {
        externalId: jane,
        name: 'Jane Doe',
        kind: 'person',
        company: 'Acme',
        tier: 'enterprise',
        identities: [
          { kind: 'email', value: `${jane}+news@acme.com` },
          { kind: 'linkedin', value: 'zoë-müller' },
          { kind: 'x', value: 'janedoe' },
        ],
      },
    ]);
    expect(again.body.results[0]).toMatchObject({ ok: true, created: false, id: result?.id });
    const after = await call(server.url, `/v1/sync/pull?cursor=${all.cursor}`, {
      token: server.adminToken,
    });
    expect(after.body).toMatchObject({
      hasMore: false,
      customers: [],
      identities: [],
      deleted: [],
    });
  });

  it.skipIf(skip)(
    'an identity key owned by another customer moves; a key no longer listed is tombstoned',
    async () => {
      const [a, b] = [unique('a'), unique('b')];
      const shared = `${unique('shared')}@acme.com`;
      const first = await upsert([
        {
          externalId: a,
          name: 'Old Owner',
          kind: 'person',
          identities: [
            { kind: 'email', value: shared },
            { kind: 'github', value: `gh-${a}` },
          ],
        },
      ]);
      const aId = first.body.results[0].id;
      const before = await pullAll(server);
      const sharedRow = before.identities.find((i) => i.value === shared);
      const githubRow = before.identities.find((i) => i.value === `gh-${a}`);

      const second = await upsert([
        {
          externalId: b,
          name: 'New Owner',
          kind: 'person',
          identities: [{ kind: 'email', value: shared }],
        },
        { externalId: a, name: 'Old Owner', kind: 'person', identities: [] },
      ]);
      const bId = second.body.results[0].id;
      const changes = await call(server.url, `/v1/sync/pull?cursor=${before.cursor}`, {
        token: server.adminToken,
      });
      const moved = changes.body.identities.find((i: { value: string }) => i.value === shared);
      expect(moved).toEqual({ id: sharedRow?.id, customerId: bId, kind: 'email', value: shared });
      expect(changes.body.deleted).toContainEqual({ table: 'identities', id: githubRow?.id });
      expect(aId).not.toBe(bId);
    },
  );

  it.skipIf(skip)(
    'organisations keep explicit domains; people get no domain key from their e-mail',
    async () => {
      const org = unique('org');
      const person = unique('p');
      const reply = await upsert([
        {
          externalId: org,
          name: 'Acme Corp',
          kind: 'organization',
          identities: [
            { kind: 'domain', value: `https://www.${org}.com/about` },
            { kind: 'linkedin-company', value: `https://www.linkedin.com/company/${org}/` },
          ],
        },
        {
          externalId: person,
          name: 'Pat Person',
          kind: 'person',
          identities: [{ kind: 'email', value: `pat@${person}.com` }],
        },
      ]);
      expect(reply.status).toBe(200);
      const all = await pullAll(server);
      const orgKeys = all.identities
        .filter((i) => i.customerId === reply.body.results[0].id)
        .map((i) => `${i.kind}:${i.value}`);
      expect(orgKeys.sort()).toEqual([`domain:${org}.com`, `linkedin-company:${org}`]);
      const personKeys = all.identities
        .filter((i) => i.customerId === reply.body.results[1].id)
        .map((i) => i.kind);
      expect(personKeys).toEqual(['email']);
    },
  );

  it.skipIf(skip)(
    'rejects a bad batch with 400 naming the field, and writes nothing of it',
    async () => {
      const good = unique('good');
      const cases: [unknown[], RegExp][] = [
        [
          [
            { externalId: good, name: 'Fine', kind: 'person' },
            {
              externalId: unique('x'),
              name: 'Bad',
              kind: 'person',
              identities: [{ kind: 'email', value: 'not-an-email' }],
            },
          ],
          /customers\[1\]\.identities\[0\]\.value/,
        ],
        [[{ externalId: good, name: 'Fine', kind: 'robot' }], /customers\[0\]\.kind/],
        [[{ externalId: good, kind: 'person' }], /customers\[0\]\.name/],
        [[{ externalId: 42, name: 'Typed', kind: 'person' }], /customers\[0\]\.externalId/],
        [
          [
            {
              externalId: good,
              name: 'Fine',
              kind: 'person',
              identities: [{ kind: 'fax', value: '123' }],
            },
          ],
          /customers\[0\]\.identities\[0\]\.kind/,
        ],
        [
          [
            { externalId: good, name: 'Twice', kind: 'person' },
            { externalId: good, name: 'Twice', kind: 'person' },
          ],
          /customers\[1\]\.externalId/,
        ],
        [
          Array.from({ length: LIMITS.batchItems + 1 }, (_, i) => ({
            externalId: `${good}-${i}`,
            name: 'Many',
            kind: 'person',
          })),
          /customers/,
        ],
      ];
      for (const [customers, field] of cases) {
        const reply = await upsert(customers);
        expect(reply.status, JSON.stringify(reply.body)).toBe(400);
        expect(reply.body.error.message).toMatch(field);
      }
      const missing = await call(server.url, '/v1/customers', {
        token: integration,
        body: { nope: [] },
      });
      expect(missing.status).toBe(400);
      expect(missing.body.error.message).toMatch(/^customers:/);
      const all = await pullAll(server);
      expect(all.customers.some((c) => c.name === 'Fine' || c.name === 'Many')).toBe(false);
    },
  );

  it.skipIf(skip)(
    'ingests engagements with per-item results, idempotent on (source, externalId)',
    async () => {
      const customer = unique('cust');
      const email = `${customer}@acme.com`;
      await upsert([
        {
          externalId: customer,
          name: 'Eve Engaged',
          kind: 'person',
          identities: [{ kind: 'email', value: email }],
        },
      ]);
      const base = {
        source: 'zendesk',
        colleagueEmail: 'Sam@Brightwave.test',
        channel: 'ticket',
        direction: 'inbound',
        occurredAt: '2026-11-20T10:00:00+01:00',
      };
      const [t1, t2, t3, t4, t5] = [
        unique('t'),
        unique('t'),
        unique('t'),
        unique('t'),
        unique('t'),
      ];
      const reply = await ingest([
        {
          ...base,
          externalId: t1,
          customer: { externalId: customer },
          summary: 'Login broken',
          topic: 'Login',
          url: 'https://support.example.com/t/1',
        },
        {
          ...base,
          externalId: t2,
          customer: { identity: { kind: 'email', value: `${customer}+tag@ACME.com` } },
        },
        { ...base, externalId: t3, customer: { externalId: 'nobody-has-this' } },
        {
          ...base,
          externalId: t4,
          customer: { externalId: customer },
          colleagueEmail: 'ghost@brightwave.test',
        },
        { ...base, externalId: t5, customer: { externalId: customer }, source: 'touchbase' },
        {
          ...base,
          externalId: unique('t'),
          customer: { externalId: customer },
          colleagueEmail: 'crm@brightwave.test',
        },
        { ...base, externalId: t1, customer: { externalId: customer } },
      ]);
      expect(reply.status).toBe(200);
      const results = EngagementsIngestResponse.parse(reply.body).results;
      expect(
        results.map((r) => [r.ok, r.error?.code ?? (r.duplicate ? 'duplicate' : 'new')]),
      ).toEqual([
        [true, 'new'],
        [true, 'new'],
        [false, 'unknown_customer'],
        [false, 'unknown_colleague'],
        [false, 'reserved_source'],
        [false, 'unknown_colleague'],
        [true, 'duplicate'],
      ]);
      expect(results[6]?.id).toBe(results[0]?.id);

      const replay = await ingest([
        { ...base, externalId: t1, customer: { externalId: customer }, summary: 'changed?' },
      ]);
      expect(replay.body.results[0]).toMatchObject({
        ok: true,
        duplicate: true,
        id: results[0]?.id,
      });

      const all = await pullAll(server);
      const mine = all.engagements.filter(
        (e) => e.id === results[0]?.id || e.id === results[1]?.id,
      );
      expect(mine).toHaveLength(2);
      expect(mine.find((e) => e.id === results[0]?.id)).toMatchObject({
        summary: 'Login broken',
        topic: 'Login',
        url: 'https://support.example.com/t/1',
        source: 'zendesk',
        visibility: 'team',
        occurredAt: '2026-11-20T09:00:00.000Z',
      });
    },
  );

  it.skipIf(skip)('rejects malformed engagement batches with 400 naming the field', async () => {
    const ok = {
      externalId: 'e1',
      source: 'crm',
      customer: { externalId: 'c' },
      colleagueEmail: 'sam@brightwave.test',
      channel: 'email',
      direction: 'inbound',
      occurredAt: '2026-11-20T10:00:00Z',
    };
    const cases: [unknown, RegExp][] = [
      [{ ...ok, channel: 'pigeon' }, /engagements\[0\]\.channel/],
      [{ ...ok, direction: 42 }, /engagements\[0\]\.direction/],
      [{ ...ok, occurredAt: 'yesterday' }, /engagements\[0\]\.occurredAt/],
      [{ ...ok, visibility: 'secret' }, /engagements\[0\]\.visibility/],
      [{ ...ok, url: 'javascript:alert(1)' }, /engagements\[0\]\.url/],
      [{ ...ok, summary: 'x'.repeat(LIMITS.summary + 1) }, /engagements\[0\]\.summary/],
      [{ ...ok, colleagueEmail: undefined }, /engagements\[0\]\.colleagueEmail/],
    ];
    for (const [item, field] of cases) {
      const reply = await ingest([item]);
      expect(reply.status, JSON.stringify(item).slice(0, 80)).toBe(400);
      expect(reply.body.error.code).toBe('invalid_request');
      expect(reply.body.error.message).toMatch(field);
    }
  });
});
