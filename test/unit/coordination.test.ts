import { describe, expect, it } from 'vitest';
import {
  currentPresence,
  departmentStrip,
  headsUp,
  isTwoWay,
  suggestColleague,
} from '../../src/cache/coordination';
import type { PresenceRow } from '../../src/cache/db';
import type { ColleagueTouches, EngagementRow } from '../../src/cache/queries';
import type { Colleague } from '../../src/protocol';

const NOW = new Date('2026-12-02T12:00:00.000Z');
const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();

const PRIYA: Colleague = { id: 'priya', name: 'Priya Patel', email: 'p@x', department: 'Support' };
const SAM: Colleague = { id: 'sam', name: 'Sam Sato', email: 's@x', department: 'Sales' };
const SOFIA: Colleague = { id: 'sofia', name: 'Sofia Silva', email: 'so@x', department: 'Sales' };
const FINN: Colleague = { id: 'finn', name: 'Finn Fischer', email: 'f@x', department: 'Finance' };
const ME = SAM;

let sequence = 0;
function row(colleague: Colleague | undefined, agoMs: number, extra: Partial<EngagementRow> = {}) {
  sequence += 1;
  return {
    id: `e${sequence}`,
    customerId: 'jane',
    colleagueId: colleague?.id ?? 'gone',
    colleague,
    channel: 'email',
    direction: 'outbound',
    occurredAt: ago(agoMs),
    summary: `summary ${sequence}`,
    source: 'crm',
    visibility: 'team',
    ...extra,
  } satisfies EngagementRow;
}

describe('headsUp: the latest touch by another colleague within the window', () => {
  it("finds the most recent other colleague's touch, with what the banner says", () => {
    const rows = [
      row(FINN, 30 * HOUR),
      row(PRIYA, 3 * HOUR, {
        channel: 'ticket',
        summary: 'Refund for order 1182',
        topic: 'Refund',
      }),
      row(SOFIA, 10 * HOUR),
    ];
    const found = headsUp(rows, ME, 48, NOW);
    expect(found).toMatchObject({
      colleague: PRIYA,
      verb: 'replied to a ticket',
      detail: 'Refund for order 1182',
      restricted: false,
    });
    expect(found?.engagement.id).toBe(rows[1]?.id);
  });

  it('ignores the user’s own touches, even the newest', () => {
    const rows = [row(ME, 1 * HOUR), row(PRIYA, 5 * HOUR)];
    expect(headsUp(rows, ME, 48, NOW)?.colleague).toEqual(PRIYA);
    expect(headsUp([row(ME, 1 * HOUR)], ME, 48, NOW)).toBeNull();
  });

  it('includes the first instant of the window and nothing before it', () => {
    expect(headsUp([row(PRIYA, 48 * HOUR)], ME, 48, NOW)).not.toBeNull();
    expect(headsUp([row(PRIYA, 48 * HOUR + 1)], ME, 48, NOW)).toBeNull();
    expect(headsUp([row(PRIYA, 2 * HOUR)], ME, 1, NOW)).toBeNull();
    expect(headsUp([row(PRIYA, 2 * HOUR)], ME, 720, NOW)).not.toBeNull();
  });

  it('counts a touch dated a little ahead of our clock', () => {
    expect(headsUp([row(PRIYA, -2 * 60_000)], ME, 48, NOW)?.colleague).toEqual(PRIYA);
  });

  it('says "details restricted" instead of a hidden summary; falls back to the topic', () => {
    const hidden = headsUp(
      [row(PRIYA, HOUR, { summary: null, visibility: 'restricted', channel: 'call' })],
      ME,
      48,
      NOW,
    );
    expect(hidden).toMatchObject({ verb: 'had a call', detail: null, restricted: true });
    const topicOnly = headsUp([row(PRIYA, HOUR, { summary: '', topic: 'Renewal' })], ME, 48, NOW);
    expect(topicOnly).toMatchObject({ detail: 'Renewal', restricted: false });
    const nothing = headsUp([row(PRIYA, HOUR, { summary: null })], ME, 48, NOW);
    expect(nothing).toMatchObject({ detail: null, restricted: false });
  });

  it('skips touches of colleagues the cache does not know (nobody to name)', () => {
    expect(headsUp([row(undefined, HOUR)], ME, 48, NOW)).toBeNull();
  });

  it('words each channel and direction', () => {
    const verb = (extra: Partial<EngagementRow>) =>
      headsUp([row(PRIYA, HOUR, extra)], null, 48, NOW)?.verb;
    expect(verb({ channel: 'email', direction: 'inbound' })).toBe('received an email');
    expect(verb({ channel: 'email', direction: 'outbound' })).toBe('sent an email');
    expect(verb({ channel: 'note', direction: 'internal' })).toBe('wrote a note');
    expect(verb({ channel: 'meeting', direction: 'internal' })).toBe('had a meeting');
  });
});

/**
 * What touchesWithin (src/cache/queries.ts, tested on a real cache in test/pages/touches.test.ts)
 * gives for these rows: one entry per colleague, counted per period by the rows' instants.
 */
function touches(rows: EngagementRow[]): ColleagueTouches[] {
  const byColleague = new Map<string, ColleagueTouches>();
  for (const engagement of rows) {
    const { colleague } = engagement;
    if (!colleague) continue;
    const touch = byColleague.get(colleague.id) ?? {
      colleague,
      lastTouch: engagement.occurredAt,
      counts: { 30: 0, 90: 0 },
      latest: engagement,
    };
    for (const days of [30, 90]) {
      if (Date.parse(engagement.occurredAt) >= NOW.getTime() - days * DAY)
        touch.counts[days] = (touch.counts[days] ?? 0) + 1;
    }
    if (engagement.occurredAt > touch.lastTouch) touch.lastTouch = engagement.occurredAt;
    byColleague.set(colleague.id, touch);
  }
  return [...byColleague.values()];
}

describe('departmentStrip: departments of the last 30 and 90 days', () => {
  it('counts touches per department and orders them by the latest', () => {
    const rows = [
      row(PRIYA, 2 * DAY),
      row(PRIYA, 10 * DAY),
      row(SAM, 5 * DAY),
      row(SOFIA, 40 * DAY),
      row(FINN, 89 * DAY),
    ];
    const [last30, last90] = departmentStrip(touches(rows));
    expect(last30).toEqual({
      days: 30,
      departments: [
        { department: 'Support', touches: 2, lastTouch: ago(2 * DAY) },
        { department: 'Sales', touches: 1, lastTouch: ago(5 * DAY) },
      ],
    });
    expect(last90?.days).toBe(90);
    expect(last90?.departments.map((d) => [d.department, d.touches])).toEqual([
      ['Support', 2],
      ['Sales', 2],
      ['Finance', 1],
    ]);
  });

  it("includes the user's own department", () => {
    const [last30] = departmentStrip(touches([row(ME, DAY)]));
    expect(last30?.departments.map((d) => d.department)).toEqual(['Sales']);
  });

  it('leaves out a department whose colleagues touched the customer only before the period', () => {
    const [last30, last90] = departmentStrip(touches([row(FINN, 60 * DAY)]));
    expect(last30?.departments).toEqual([]);
    expect(last90?.departments.map((d) => d.department)).toEqual(['Finance']);
  });

  it('is empty for a customer nobody touched', () => {
    expect(departmentStrip([])).toEqual([
      { days: 30, departments: [] },
      { days: 90, departments: [] },
    ]);
  });
});

describe('suggestColleague: whom to ask first', () => {
  it('is whoever had the most recent two-way engagement, with the reason', () => {
    const rows = [
      row(FINN, 1 * DAY, { direction: 'outbound' }), // one-way: no answer recorded
      row(PRIYA, 2 * DAY, { channel: 'call', direction: 'outbound' }),
      row(SOFIA, 6 * DAY, { direction: 'inbound' }),
    ];
    const suggestion = suggestColleague(rows, 'Jane Doe', ME);
    expect(suggestion?.colleague).toEqual(PRIYA);
    expect(suggestion?.reason).toBe('had a call with Jane Doe');
    expect(suggestion?.engagement.occurredAt).toBe(ago(2 * DAY));
  });

  it('gives the reason of each kind of two-way engagement', () => {
    const reason = (extra: Partial<EngagementRow>) =>
      suggestColleague([row(PRIYA, DAY, extra)], 'Acme', ME)?.reason;
    expect(reason({ channel: 'meeting', direction: 'internal' })).toBe('met Acme');
    expect(reason({ channel: 'email', direction: 'inbound' })).toBe('got an email from Acme');
    expect(reason({ channel: 'ticket', direction: 'inbound' })).toBe('got a ticket from Acme');
    expect(reason({ channel: 'chat', direction: 'inbound' })).toBe('chatted with Acme');
  });

  it('never suggests the user, nor anyone after one-way touches only', () => {
    expect(suggestColleague([row(ME, DAY, { channel: 'call' })], 'Jane', ME)).toBeNull();
    const oneWay = [
      row(PRIYA, DAY, { direction: 'outbound' }),
      row(FINN, DAY, { channel: 'note', direction: 'internal' }),
    ];
    expect(suggestColleague(oneWay, 'Jane', ME)).toBeNull();
    expect(suggestColleague([row(undefined, DAY, { channel: 'call' })], 'Jane', ME)).toBeNull();
  });

  it('defines two-way as a call, a meeting, or anything the customer sent', () => {
    expect(isTwoWay({ channel: 'call', direction: 'outbound' })).toBe(true);
    expect(isTwoWay({ channel: 'meeting', direction: 'internal' })).toBe(true);
    expect(isTwoWay({ channel: 'social', direction: 'inbound' })).toBe(true);
    expect(isTwoWay({ channel: 'email', direction: 'outbound' })).toBe(false);
    expect(isTwoWay({ channel: 'note', direction: 'internal' })).toBe(false);
  });
});

describe('currentPresence', () => {
  const presence = (
    colleagueId: string,
    activity: PresenceRow['activity'],
    heardAgo: number,
    expiresIn: number,
  ): PresenceRow => ({
    colleagueId,
    customerId: 'jane',
    activity,
    at: ago(heardAgo),
    expiresAt: ago(-expiresIn),
  });

  it('drops expired rows (gone at their expiry) and puts writing before viewing', () => {
    const rows = [
      presence('finn', 'viewing', 1_000, 29_000),
      presence('priya', 'viewing', 5_000, 25_000),
      presence('sofia', 'composing', 9_000, 21_000),
      presence('gone', 'composing', 31_000, -1_000),
      presence('edge', 'viewing', 30_000, 0),
    ];
    expect(currentPresence(rows, NOW).map((row) => row.colleagueId)).toEqual([
      'sofia',
      'finn',
      'priya',
    ]);
  });

  it('follows the clock: a row still shown now is gone 30 s after its last heartbeat', () => {
    const rows = [presence('priya', 'composing', 0, 30_000)];
    expect(currentPresence(rows, new Date(NOW.getTime() + 29_999))).toHaveLength(1);
    expect(currentPresence(rows, new Date(NOW.getTime() + 30_000))).toEqual([]);
  });
});
