// @vitest-environment node
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { PullResponse } from '../../src/protocol';
import { DATABASES, startTestServer, type TestServer } from '../helpers/server';
import { file, touchbase } from './cli-run';
import { call } from './http';

// each test spawns the CLI several times (about a second each on an idle machine)
vi.setConfig({ testTimeout: 90_000 });

describe.each(DATABASES)('touchbase import and demo on %s', (database) => {
  const skip = database === 'postgres' && !inject('touchbasePgUrl');
  let server: TestServer;
  let env: Record<string, string>;
  let dbArgs: string[];

  beforeAll(async () => {
    if (skip) return;
    server = await startTestServer({ database });
    env = { DATABASE_URL: server.databaseUrl ?? '' };
    dbArgs = server.dbFile ? ['--db', server.dbFile] : [];
  });
  afterAll(async () => {
    await server?.stop();
  });

  const cli = (...args: string[]) => touchbase([...args, ...dbArgs], env);

  it.skipIf(skip)(
    'imports are all-or-nothing: bad rows are listed by line and nothing is written',
    async () => {
      const header = 'external_id,name,kind,company,email,linkedin,domain\n';
      const good =
        'imp-1,Ivy Import,person,Acme,"ivy@acme.com;ivy+crm@acme.com",https://www.linkedin.com/in/ivy-import,\n';
      const bad = `${header}${good}imp-2,Bad Mail,person,,not-an-email,,\nimp-3,Odd Kind,robot,,,,\n`;
      const failed = await cli('import', 'customers', file(`bad-${database}.csv`, bad));
      expect(failed.code).toBe(1);
      expect(failed.stderr).toMatch(/2 bad rows, nothing imported/);
      expect(failed.stderr).toMatch(/line 3: email: "not-an-email" is not a valid email/);
      expect(failed.stderr).toMatch(/line 4: kind/);

      const fixed = `${header}${good}imp-2,Good Mail,person,,good@acme.com,,\nimp-3,Acme Org,organization,,,,acme.com\n`;
      const imported = await cli('import', 'customers', file(`good-${database}.csv`, fixed));
      expect(imported.stderr).toBe('');
      // all three are new: the failed run wrote nothing
      expect(imported.stdout).toMatch(/Imported 3 customers .*: 3 new/);

      const jsonl = [
        {
          externalId: 'j-1',
          source: 'helpdesk',
          customer: { externalId: 'imp-1' },
          colleagueEmail: 'admin@touchbase.test',
          channel: 'ticket',
          direction: 'inbound',
          occurredAt: '2026-11-02T08:00:00Z',
          summary: 'Printer on fire',
        },
        {
          externalId: 'j-2',
          source: 'helpdesk',
          customer: { identity: { kind: 'email', value: 'ivy+other@acme.com' } },
          colleagueEmail: 'ghost@touchbase.test',
          channel: 'ticket',
          direction: 'inbound',
          occurredAt: '2026-11-02T09:00:00Z',
        },
      ].map((row) => JSON.stringify(row));
      const unknownColleague = await cli(
        'import',
        'engagements',
        file(`e-${database}.jsonl`, `${jsonl.join('\n')}\n`),
      );
      expect(unknownColleague.code).toBe(1);
      expect(unknownColleague.stderr).toMatch(
        /line 2: colleagueEmail: no colleague with e-mail ghost@touchbase\.test/,
      );

      const csv = [
        'external_id,source,customer_external_id,customer_identity,colleague_email,channel,direction,occurred_at,summary,visibility',
        'c-1,mailer,imp-2,,admin@touchbase.test,email,outbound,2026-11-03T10:00:00Z,"Sent the quote, v2",team',
        'c-2,mailer,,email:ivy+x@acme.com,admin@touchbase.test,email,inbound,2026-11-04T10:00:00Z,Re: quote,restricted',
      ].join('\n');
      const csvImport = await cli('import', 'engagements', file(`e-${database}.csv`, csv));
      expect(csvImport.stderr).toBe('');
      expect(csvImport.stdout).toMatch(/Imported 2 engagements .*: 2 new/);
      const again = await cli('import', 'engagements', file(`e-${database}.csv`, csv));
      expect(again.stdout).toMatch(/2 engagements .*: 0 new, 2 already there/);

      const pulled = PullResponse.parse(
        (await call(server.url, '/v1/sync/pull', { token: server.adminToken })).body,
      );
      expect(pulled.engagements.map((e) => e.summary).sort()).toEqual([
        'Re: quote',
        'Sent the quote, v2',
      ]);
      expect(pulled.engagements.some((e) => e.summary === 'Printer on fire')).toBe(false);
    },
  );

  it.skipIf(skip)(
    'demo loads a realistic company once, and prints a working member token',
    async () => {
      const first = await cli('demo');
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout).toMatch(
        /Demo company loaded: 12 colleagues, 240 customers, 2400 engagements \(2400 new\)/,
      );
      const token = /Token \(shown only once\): (tb_\S+)/.exec(first.stdout)?.[1];

      const second = await cli('demo');
      expect(second.stdout).toMatch(/2400 engagements \(0 new\)/);

      const all: PullResponse[] = [];
      let cursor = '';
      do {
        const page = PullResponse.parse(
          (
            await call(server.url, `/v1/sync/pull?limit=5000${cursor ? `&cursor=${cursor}` : ''}`, {
              token,
            })
          ).body,
        );
        all.push(page);
        cursor = page.hasMore ? page.cursor : '';
      } while (cursor);
      const colleagues = all.flatMap((p) => p.colleagues);
      const customers = all.flatMap((p) => p.customers);
      const identities = all.flatMap((p) => p.identities);
      const engagements = all.flatMap((p) => p.engagements);
      expect(new Set(colleagues.map((c) => c.department))).toEqual(
        new Set(['Sales', 'Support', 'PR', 'Marketing', 'Product', 'Finance', 'Operations']),
      );
      expect(customers.filter((c) => c.kind === 'organization').length).toBeGreaterThanOrEqual(50);
      expect(customers.filter((c) => c.kind === 'person').length).toBeGreaterThanOrEqual(150);
      expect(new Set(identities.map((i) => i.kind))).toEqual(
        new Set([
          'email',
          'domain',
          'x',
          'linkedin',
          'linkedin-company',
          'github',
          'bluesky',
          'phone',
        ]),
      );
      expect(identities.some((i) => i.kind === 'linkedin' && /[^ -~]/.test(i.value))).toBe(true);
      expect(identities.some((i) => i.kind === 'email' && i.value.includes('+'))).toBe(true);
      const demoRows = engagements.filter((e) => e.source !== 'helpdesk' && e.source !== 'mailer');
      expect(demoRows).toHaveLength(2400);
      const oldest = Math.min(...demoRows.map((e) => Date.parse(e.occurredAt)));
      expect(Date.now() - oldest).toBeLessThan(181 * 24 * 3600 * 1000);
      const restricted = demoRows.filter((e) => e.visibility === 'restricted');
      expect(restricted.length).toBeGreaterThan(50);
      // the demo member is Alex (Sales): restricted touches of others arrive without their words
      expect(restricted.some((e) => e.summary === null)).toBe(true);
    },
  );
});
