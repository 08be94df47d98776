// @vitest-environment node
/**
 * The sync engine (fake-indexeddb, as in test/background/sync.test.ts) talks to the real server
 * through a fault-injecting proxy: dropped, delayed, duplicated, reset and truncated requests and
 * answers, and 5xx from a "load balancer". Notes are saved as the popup saves them while the
 * network is bad and the server's data keeps changing. Once the faults stop and the engine has run
 * until idle, the cache must equal a fresh pull of the server, and every note must be on the
 * server exactly once. TOUCHBASE_TORTURE=1 runs more data, notes and faults, on more seeds.
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SyncEngine, type SyncEngineOptions } from '../../src/background/sync';
import { type SyncProgress, TouchbaseDb } from '../../src/cache/db';
import { saveNote } from '../../src/cache/notes';
import type { Colleague, CustomerInput, EngagementInput } from '../../src/protocol';
import { pullLedger, tableDigest } from '../helpers/ledger';
import { DATABASES, startTestServer, type TestServer } from '../helpers/server';
import { call } from '../server/http';
import { FAULT_KINDS, seededRandom, startFaultProxy } from './fault-proxy';

const TORTURE = process.env.TOUCHBASE_TORTURE === '1';
const PLAN = TORTURE
  ? { customers: 3000, waves: 100, notesPerWave: 10, faultRate: 0.5, seeds: [11, 12, 13] }
  : { customers: 1000, waves: 30, notesPerWave: 10, faultRate: 0.4, seeds: [7] };
/** the alarm's period: each tick of the test clock is one `sync` alarm */
const ALARM_MS = 60_000;
/** stands in for the engine's 30 s request timeout, so a dropped request costs 2 s, not 30 */
const CLIENT_TIMEOUT_MS = 2_000;

const MEMBER_EMAIL = 'mia@ourco.example';
const OTHER_EMAIL = 'olaf@ourco.example';

/** An admin write straight to the server; the ids of its per-item results. */
async function admin(server: TestServer, path: string, body: unknown): Promise<string[]> {
  const reply = await call<{ results?: Array<{ ok: boolean; id: string }> }>(server.url, path, {
    token: server.adminToken,
    body,
  });
  if (reply.status !== 200 || reply.body.results?.some((result) => !result.ok)) {
    throw new Error(`${path} failed: ${reply.status} ${JSON.stringify(reply.body)}`);
  }
  return reply.body.results?.map((result) => result.id) ?? [];
}

const customer = (index: number, round = 0): CustomerInput => ({
  externalId: `crm-${index}`,
  name: `Customer ${index}${round ? ` rev ${round}` : ''}`,
  kind: index % 5 === 0 ? 'organization' : 'person',
  company: `Company ${index % 97}`,
  identities: [{ kind: 'email', value: `c${index}@example.org` }],
});

/** Someone else's touches, half of them restricted (the member sees them without a summary). */
const engagement = (key: string, index: number): EngagementInput => ({
  externalId: key,
  source: 'helpdesk',
  customer: { externalId: `crm-${index}` },
  colleagueEmail: index % 2 ? OTHER_EMAIL : MEMBER_EMAIL,
  channel: 'ticket',
  direction: 'inbound',
  occurredAt: new Date(Date.UTC(2026, 0, 1) + index * 60_000).toISOString(),
  summary: `Ticket ${key}`,
  visibility: index % 4 === 1 ? 'restricted' : 'team',
});

async function seedInBatches<T>(
  items: T[],
  send: (batch: T[]) => Promise<string[]>,
  size = 500,
): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < items.length; start += size) {
    ids.push(...(await send(items.slice(start, start + size))));
  }
  return ids;
}

describe.each(DATABASES)('sync through a faulty network on %s', (database) => {
  const skip = database === 'postgres' && !inject('touchbasePgUrl');
  let server: TestServer;
  let member: { token: string; colleagueId: string };
  let me: Colleague;
  let customerIds: string[];

  beforeAll(async () => {
    if (skip) return;
    server = await startTestServer({ database });
    member = await server.addUser({ name: 'Mia Member', email: MEMBER_EMAIL, department: 'Sales' });
    await server.addUser({ name: 'Olaf Other', email: OTHER_EMAIL, department: 'Support' });
    me = (await call<{ colleague: Colleague }>(server.url, '/v1/me', { token: member.token })).body
      .colleague;
    const indexes = Array.from({ length: PLAN.customers }, (_, index) => index);
    customerIds = await seedInBatches(indexes, (batch) =>
      admin(server, '/v1/customers', { customers: batch.map((index) => customer(index)) }),
    );
    await seedInBatches(indexes, (batch) =>
      admin(server, '/v1/engagements', {
        engagements: batch.map((index) => engagement(`t-${index}`, index)),
      }),
    );
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
  });

  it.skipIf(skip).each(PLAN.seeds)(
    'converges, and every note reaches the server exactly once (seed %i)',
    async (seed) => {
      const proxy = await startFaultProxy({
        target: server.url,
        seed,
        faultRate: PLAN.faultRate,
        dropHoldMs: CLIENT_TIMEOUT_MS + 500,
      });
      const db = new TouchbaseDb(`faults-${seed}-${crypto.randomUUID()}`);
      const random = seededRandom(seed * 31);
      // The test's clock: one alarm tick moves it a minute, so the backoff plays out as in
      // production without waiting for it.
      let clock = Date.now();
      const clientFetch: SyncEngineOptions['fetch'] = (input, init) =>
        fetch(input, {
          ...init,
          signal: AbortSignal.any([
            ...(init?.signal ? [init.signal] : []),
            AbortSignal.timeout(CLIENT_TIMEOUT_MS),
          ]),
        });
      const engine = new SyncEngine({
        db,
        connection: async () => ({ serverUrl: proxy.url, token: member.token }),
        fetch: clientFetch,
        pullLimit: 250,
        now: () => clock,
        random,
      });
      const runs: SyncProgress[] = [];
      const alarmTick = async () => {
        clock += ALARM_MS;
        runs.push(await engine.sync());
      };
      const bodies: string[] = [];
      try {
        for (let wave = 0; wave < PLAN.waves; wave += 1) {
          for (let n = 0; n < PLAN.notesPerWave; n += 1) {
            const body = `seed ${seed} wave ${wave} note ${n}`;
            await saveNote(db, {
              customerId: customerIds[Math.floor(random() * customerIds.length)] ?? '',
              channel: 'call',
              body,
              visibility: n % 3 === 0 ? 'restricted' : 'team',
              me,
            });
            bodies.push(body);
          }
          // Colleagues and integrations keep writing meanwhile (straight to the server).
          const index = Math.floor(random() * PLAN.customers);
          await admin(server, '/v1/customers', { customers: [customer(index, wave + 1)] });
          await admin(server, '/v1/engagements', {
            engagements: [engagement(`t-${seed}-${wave}`, index)],
          });
          // The sidebar syncs right after a save (forced); then the alarm, respecting the backoff.
          runs.push(await engine.sync({ force: true }));
          for (let tick = 0; tick < 3; tick += 1) await alarmTick();
        }

        proxy.faulty = false;
        for (let tick = 0; tick < 30; tick += 1) {
          const progress = await engine.sync();
          if (progress.state === 'idle' && (await db.outbox.count()) === 0) break;
          clock = Math.max(clock + ALARM_MS, Date.parse(progress.nextRetryAt ?? '0'));
        }

        expect(await db.outbox.count()).toBe(0);
        const notes = await db.notes.toArray();
        expect(notes).toHaveLength(bodies.length);
        expect(notes.filter((note) => note.status !== 'synced')).toEqual([]);

        const serverRows = await pullLedger(server.url, member.token);
        for (const table of ['customers', 'identities', 'engagements'] as const) {
          expect(tableDigest(await db[table].toArray()), table).toEqual(
            tableDigest(serverRows[table]),
          );
        }
        // Exactly once, by body: a replay applied twice would show up as a second engagement.
        const pushed = serverRows.engagements
          .map((row) => row as { source: string; summary: string | null })
          .filter((row) => row.source === 'touchbase' && row.summary?.startsWith(`seed ${seed} `))
          .map((row) => row.summary);
        expect(pushed.sort()).toEqual([...bodies].sort());

        // A duplicated push is a replay the server must answer normally, never with a 5xx.
        expect(proxy.duplicateStatuses.filter((status) => status >= 500)).toEqual([]);
        const failed = runs.filter((run) => run.state === 'error' || run.state === 'offline');
        const total = Object.values(proxy.injected).reduce((sum, count) => sum + count, 0);
        console.info(
          `[network-faults] ${database} seed ${seed}: ${total} faults ${JSON.stringify(proxy.injected)}, ` +
            `${proxy.clean} clean requests, ${runs.length} runs (${failed.length} failed), ` +
            `${bodies.length} notes pushed, 0 lost, 0 duplicated`,
        );
        // The faults really happened, of every kind, and really failed runs.
        for (const kind of FAULT_KINDS) expect(proxy.injected[kind], kind).toBeGreaterThan(0);
        expect(failed.length).toBeGreaterThan(0);
      } finally {
        await proxy.close();
        await db.delete();
      }
    },
    TORTURE ? 600_000 : 60_000,
  );
});
