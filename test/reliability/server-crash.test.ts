// @vitest-environment node
/**
 * Item 4 of the torture suite: kill -9 the real API server while several clients push notes and
 * two integrations ingest engagements, restart it, and let every client retry the way the
 * extension does (unacknowledged mutations again with the same ids; an unanswered ingest batch
 * again as it was). Afterwards every note and every engagement exists exactly once, replaying the
 * pushes changes nothing and answers as the first time, and a client that pulled page by page
 * across the kills holds exactly the rows of a fresh full pull.
 *
 * Always on: CRASH_KILLS kills per database. TOUCHBASE_TORTURE=1 runs the heavy variant.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  type Engagement,
  EngagementsIngestResponse,
  LIMITS,
  PullResponse,
  PushResponse,
} from '../../src/protocol';
import { DATABASES, startTestServer, type TestServer } from '../helpers/server';
import { call, type Reply } from '../server/http';

const HEAVY = process.env.TOUCHBASE_TORTURE === '1';
const CRASH_KILLS = HEAVY ? 30 : 5;
const PUSH_CLIENTS = 3;
const INGESTERS = 2;
const SEED = 0x7b_0c_4a_11;

/** mulberry32: a small seeded PRNG, so a failing run can be replayed with the same kill times */
function prng(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Mutation = { id: number; name: 'note.create'; args: Record<string, unknown> };
type Result = PushResponse['results'][number];

/** What one run did and saw; the figures go into the report. */
interface Tally {
  kills: number;
  mutationsSent: number;
  pushRequests: number;
  /** push requests cut off by a kill after they reached the server (not merely refused) */
  pushInterrupted: number;
  ingestItems: number;
  ingestRequests: number;
  ingestInterrupted: number;
  /** requests refused while the server was down */
  refused: number;
  /** 5xx answers: a restarted server must never give one */
  serverErrors: number;
  /** ingest answers lost after the commit: the retry reported the items as duplicates */
  ingestCommittedUnanswered: number;
  pullPages: number;
}

describe.each(DATABASES)('kill -9 of the API server on %s', (database) => {
  const skip = database === 'postgres' && !inject('touchbasePgUrl');
  let server: TestServer;
  let customerExternalId: string;
  let customerId: string;
  let integrationToken: string;
  const members: { token: string; colleagueId: string; email: string }[] = [];

  beforeAll(async () => {
    if (skip) return;
    server = await startTestServer({ database });
    for (let i = 0; i < PUSH_CLIENTS; i += 1) {
      const email = `crash-member-${i}@brightwave.test`;
      const user = await server.addUser({ name: `Member ${i}`, email, department: 'Sales' });
      members.push({ ...user, email });
    }
    integrationToken = (
      await server.addUser({
        name: 'Helpdesk',
        email: 'helpdesk@brightwave.test',
        department: 'Systems',
        role: 'integration',
      })
    ).token;
    customerExternalId = 'crash-customer';
    const upsert = await call(server.url, '/v1/customers', {
      token: server.adminToken,
      body: { customers: [{ externalId: customerExternalId, name: 'Carla', kind: 'person' }] },
    });
    expect(upsert.status).toBe(200);
    customerId = upsert.body.results[0].id;
  });
  afterAll(async () => {
    await server?.stop();
  });

  it.skipIf(skip)(
    `survives ${CRASH_KILLS} kills mid-push and mid-ingest: exactly once, no pull skips a row`,
    { timeout: HEAVY ? 600_000 : 60_000 },
    async () => {
      const seed = SEED + (database === 'postgres' ? 1 : 0);
      // the kill times come from their own generator, so they do not depend on request timing
      const killTimes = prng(seed);
      const random = prng(seed + 2);
      const tally: Tally = {
        kills: 0,
        mutationsSent: 0,
        pushRequests: 0,
        pushInterrupted: 0,
        ingestItems: 0,
        ingestRequests: 0,
        ingestInterrupted: 0,
        refused: 0,
        serverErrors: 0,
        ingestCommittedUnanswered: 0,
        pullPages: 0,
      };
      let writing = true;

      /**
       * One request. No reply when it failed and is to be retried after a short pause, like the
       * extension's backoff: refused (the server is down), cut off (killed mid-request) or a 5xx.
       */
      const send = async (
        path: string,
        token: string | undefined,
        body?: unknown,
      ): Promise<{ reply?: Reply; interrupted: boolean }> => {
        try {
          const reply = await call(server.url, path, { token, body });
          if (reply.status < 500) return { reply, interrupted: false };
          tally.serverErrors += 1;
          return { interrupted: false };
        } catch (error) {
          const refused = (error as { cause?: { code?: string } }).cause?.code === 'ECONNREFUSED';
          if (refused) tally.refused += 1;
          return { interrupted: !refused };
        }
      };

      // ---- push clients: an outbox of note.create mutations with increasing ids
      const clients = members.map((member, index) => ({
        member,
        clientId: randomUUID(),
        nextId: 1,
        outbox: [] as Mutation[],
        sent: [] as Mutation[],
        /** the first answer for each mutation id */
        results: new Map<number, Result>(),
        lastMutationId: 0,
        index,
      }));
      const runClient = async (client: (typeof clients)[number]) => {
        let answered = true;
        while (writing || client.outbox.length > 0) {
          // new notes after each answer, and now and then during an outage (written offline),
          // so a retry is sometimes exactly the lost batch and sometimes that batch plus more
          if (writing && (answered || random() < 0.1)) {
            for (let n = 1 + Math.floor(random() * 3); n > 0; n -= 1) {
              const id = client.nextId++;
              const mutation: Mutation = {
                id,
                name: 'note.create',
                args: {
                  id: randomUUID(),
                  customerId,
                  channel: 'note',
                  body: `crash note c${client.index} m${id}`,
                  visibility: 'team',
                  occurredAt: '2026-11-23T09:30:00.000Z',
                },
              };
              client.outbox.push(mutation);
              client.sent.push(mutation);
              tally.mutationsSent += 1;
            }
          }
          const batch = client.outbox.slice(0, LIMITS.batchItems);
          tally.pushRequests += 1;
          const { reply, interrupted } = await send('/v1/sync/push', client.member.token, {
            clientId: client.clientId,
            mutations: batch,
          });
          answered = reply !== undefined;
          if (!reply) {
            if (interrupted) tally.pushInterrupted += 1;
            await sleep(20);
            continue;
          }
          expect(reply.status, JSON.stringify(reply.body)).toBe(200);
          const answer = PushResponse.parse(reply.body);
          expect(answer.results.map((r) => r.id)).toEqual(batch.map((m) => m.id));
          for (const result of answer.results)
            if (!client.results.has(result.id)) client.results.set(result.id, result);
          client.lastMutationId = answer.lastMutationId;
          // like the extension: an outbox row goes only once the server answered for it
          const acknowledged = new Set(answer.results.map((r) => r.id));
          client.outbox = client.outbox.filter((m) => !acknowledged.has(m.id));
        }
      };

      // ---- integrations: batches of engagements with unique (source, externalId)
      const ingested = new Map<string, { summary: string; id?: string }>();
      const runIngester = async (index: number) => {
        let batchNumber = 0;
        while (writing) {
          batchNumber += 1;
          const size = 1 + Math.floor(random() * 20);
          const engagements = Array.from({ length: size }, (_, item) => {
            const externalId = `i${index}-b${batchNumber}-e${item}`;
            const summary = `crash ingest ${externalId}`;
            ingested.set(externalId, { summary });
            return {
              externalId,
              source: 'helpdesk',
              customer: { externalId: customerExternalId },
              colleagueEmail: members[item % members.length]?.email,
              channel: 'ticket',
              direction: 'inbound',
              occurredAt: '2026-11-20T08:00:00.000Z',
              summary,
            };
          });
          tally.ingestItems += size;
          // an unanswered batch goes again, unchanged, until it gets an answer
          for (let attempt = 0; ; attempt += 1) {
            tally.ingestRequests += 1;
            const { reply, interrupted } = await send('/v1/engagements', integrationToken, {
              engagements,
            });
            if (!reply) {
              if (interrupted) tally.ingestInterrupted += 1;
              await sleep(20);
              continue;
            }
            expect(reply.status, JSON.stringify(reply.body)).toBe(200);
            const { results } = EngagementsIngestResponse.parse(reply.body);
            expect(results.map((r) => r.externalId)).toEqual(engagements.map((e) => e.externalId));
            for (const result of results) {
              expect(result.ok, JSON.stringify(result)).toBe(true);
              // a first attempt never sees a duplicate; a retry may (its first try committed)
              if (attempt === 0) expect(result.duplicate, result.externalId).toBeFalsy();
              const entry = ingested.get(result.externalId);
              if (entry) entry.id = result.id;
            }
            if (results.some((r) => r.duplicate)) tally.ingestCommittedUnanswered += 1;
            break;
          }
        }
      };

      // ---- an incremental puller: small pages, its cursor saved only after a whole page
      const pulled = new Map<string, unknown>();
      let savedCursor = '';
      const applyPage = (page: PullResponse) => {
        for (const table of ['colleagues', 'customers', 'identities', 'engagements'] as const)
          for (const row of page[table]) pulled.set(`${table}:${row.id}`, row);
        for (const gone of page.deleted) pulled.delete(`${gone.table}:${gone.id}`);
        savedCursor = page.cursor;
        tally.pullPages += 1;
      };
      const pullOnce = async (limit: number): Promise<boolean | undefined> => {
        const query = `?limit=${limit}${savedCursor ? `&cursor=${savedCursor}` : ''}`;
        const { reply } = await send(`/v1/sync/pull${query}`, members[0]?.token);
        if (!reply) return undefined;
        expect(reply.status, JSON.stringify(reply.body)).toBe(200);
        const page = PullResponse.parse(reply.body);
        applyPage(page);
        return page.hasMore;
      };
      const runPuller = async () => {
        while (writing) if ((await pullOnce(7)) === undefined) await sleep(20);
      };

      // ---- the killer: SIGKILL at seeded random moments, then start again on the same data
      const runKiller = async () => {
        for (let kill = 0; kill < CRASH_KILLS; kill += 1) {
          await sleep(150 + Math.floor(killTimes() * 450));
          server.kill();
          tally.kills += 1;
          await server.restart();
        }
        await sleep(200);
        writing = false;
      };

      await Promise.all([
        runKiller(),
        runPuller(),
        ...clients.map(runClient),
        ...Array.from({ length: INGESTERS }, (_, i) => runIngester(i)),
      ]);

      // the kills must have landed in the middle of traffic, or this test proves nothing
      expect(tally.kills).toBe(CRASH_KILLS);
      expect(tally.pushInterrupted).toBeGreaterThan(0);
      expect(tally.ingestInterrupted).toBeGreaterThan(0);
      expect(tally.serverErrors).toBe(0);
      for (const client of clients) {
        expect(client.outbox).toEqual([]);
        expect(client.lastMutationId).toBe(client.nextId - 1);
      }

      // ---- a fresh full pull: every note and every ingested engagement exactly once
      const fresh = new Map<string, unknown>();
      const engagements: Engagement[] = [];
      for (let cursor = ''; ; ) {
        const reply = await call(
          server.url,
          `/v1/sync/pull?limit=${LIMITS.pullMax}${cursor ? `&cursor=${cursor}` : ''}`,
          { token: members[0]?.token },
        );
        expect(reply.status).toBe(200);
        const page = PullResponse.parse(reply.body);
        for (const table of ['colleagues', 'customers', 'identities', 'engagements'] as const)
          for (const row of page[table]) fresh.set(`${table}:${row.id}`, row);
        engagements.push(...page.engagements);
        cursor = page.cursor;
        if (!page.hasMore) break;
      }
      const countBySummary = new Map<string, number>();
      for (const e of engagements)
        countBySummary.set(e.summary ?? '', (countBySummary.get(e.summary ?? '') ?? 0) + 1);
      const expectedNotes = clients.flatMap((c) => c.sent);
      const duplicates = [...countBySummary].filter(([, n]) => n > 1);
      const missingNotes = expectedNotes.filter((m) => !countBySummary.has(String(m.args.body)));
      const missingIngests = [...ingested.values()].filter((e) => !countBySummary.has(e.summary));
      expect(duplicates).toEqual([]);
      expect(missingNotes).toEqual([]);
      expect(missingIngests).toEqual([]);
      expect(engagements).toHaveLength(expectedNotes.length + ingested.size);
      // each note keeps its id; each ingest answer named the row that exists
      const idBySummary = new Map(engagements.map((e) => [e.summary, e.id]));
      for (const m of expectedNotes) expect(idBySummary.get(String(m.args.body))).toBe(m.args.id);
      for (const e of ingested.values()) expect(idBySummary.get(e.summary)).toBe(e.id);

      // ---- replaying every push acknowledges it as the first time and applies nothing
      while ((await pullOnce(7)) !== false);
      const caughtUpCursor = savedCursor;
      for (const client of clients) {
        expect([...client.results.values()].every((r) => r.ok)).toBe(true);
        for (let from = 0; from < client.sent.length; from += LIMITS.batchItems) {
          const mutations = client.sent.slice(from, from + LIMITS.batchItems);
          const reply = await call(server.url, '/v1/sync/push', {
            token: client.member.token,
            body: { clientId: client.clientId, mutations },
          });
          expect(reply.status).toBe(200);
          const answer = PushResponse.parse(reply.body);
          expect(answer.lastMutationId).toBe(client.nextId - 1);
          expect(answer.results).toEqual(mutations.map((m) => client.results.get(m.id)));
        }
      }
      const afterReplay = await call(server.url, `/v1/sync/pull?cursor=${caughtUpCursor}`, {
        token: members[0]?.token,
      });
      expect(PullResponse.parse(afterReplay.body).cursor).toBe(caughtUpCursor);
      expect(afterReplay.body.engagements).toEqual([]);

      // ---- the incremental puller, cursor saved across every kill, holds the same rows
      expect(pulled.size).toBe(fresh.size);
      expect(Object.fromEntries(pulled)).toEqual(Object.fromEntries(fresh));

      console.info(
        `server-crash ${database}: ${JSON.stringify({ ...tally, duplicates: duplicates.length, lost: missingNotes.length + missingIngests.length })}`,
      );
    },
  );
});
