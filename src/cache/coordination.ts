/**
 * Coordination: what the sidebar and the badge say about other colleagues on a customer — the
 * heads-up on a recent touch, the departments of the last 30 and 90 days, the colleague to ask
 * first, and who is on the customer right now. Pure functions over cached rows (no Dexie, no DOM):
 * the sidebar runs them on its snapshot, the worker on the rows it reads for the badge.
 */
import type { Channel, Colleague, Direction } from '../protocol';
import type { CachedColleague, PresenceRow } from './db';
import type { ColleagueTouches, EngagementRow } from './queries';

const HOUR_MS = 60 * 60 * 1000;

/** The options page's bounds for `settings.coordinationWindowHours` (default 48). */
export const WINDOW_HOURS = { min: 1, max: 720 } as const;
/** The strip's periods; the longest is the sidebar's summary period (90 days). */
export const STRIP_DAYS = [30, 90] as const;

/** What a colleague did, by channel and direction: "Priya (Support) replied to a ticket …". */
const TOUCH_VERBS: Record<Channel, Record<Direction, string>> = {
  email: { outbound: 'sent an email', inbound: 'received an email', internal: 'logged an email' },
  call: { outbound: 'had a call', inbound: 'had a call', internal: 'had a call' },
  meeting: { outbound: 'had a meeting', inbound: 'had a meeting', internal: 'had a meeting' },
  ticket: {
    outbound: 'replied to a ticket',
    inbound: 'received a ticket',
    internal: 'updated a ticket',
  },
  social: {
    outbound: 'replied on social',
    inbound: 'got a social message',
    internal: 'logged a social post',
  },
  chat: { outbound: 'chatted', inbound: 'chatted', internal: 'logged a chat' },
  note: { outbound: 'wrote a note', inbound: 'wrote a note', internal: 'wrote a note' },
};

/** Where the coordination window that ends at `now` begins. */
export const windowStart = (now: Date, windowHours: number) =>
  new Date(now.getTime() - windowHours * HOUR_MS);

export interface HeadsUp {
  engagement: EngagementRow;
  colleague: CachedColleague;
  /** e.g. "replied to a ticket" */
  verb: string;
  /** the summary, else the topic; null when there is none or it is restricted */
  detail: string | null;
  /** the author restricted it: others see only that it happened */
  restricted: boolean;
}

/**
 * The most recent engagement by another colleague within the last `windowHours` (inclusive),
 * or null. The user's own touches never raise one, nor touches whose colleague row is missing
 * (nobody to name). A touch dated a little ahead of our clock still counts.
 */
export function headsUp(
  engagements: readonly EngagementRow[],
  me: Colleague | null,
  windowHours: number,
  now: Date,
): HeadsUp | null {
  const since = windowStart(now, windowHours).getTime();
  let latest: EngagementRow | undefined;
  for (const engagement of engagements) {
    if (!engagement.colleague || engagement.colleagueId === me?.id) continue;
    if (Date.parse(engagement.occurredAt) < since) continue;
    if (!latest || engagement.occurredAt > latest.occurredAt) latest = engagement;
  }
  if (!latest?.colleague) return null;
  const restricted = latest.summary === null && latest.visibility === 'restricted';
  return {
    engagement: latest,
    colleague: latest.colleague,
    verb: TOUCH_VERBS[latest.channel][latest.direction],
    detail: restricted ? null : latest.summary || latest.topic || null,
    restricted,
  };
}

export interface DepartmentCount {
  department: string;
  touches: number;
  /** occurredAt of the department's latest touch */
  lastTouch: string;
}

/** Departments that touched the customer in each period, most recent first. */
export interface DepartmentStrip {
  days: (typeof STRIP_DAYS)[number];
  departments: DepartmentCount[];
}

/**
 * Which departments touched the customer in the last 30 and the last 90 days, the user's own
 * department included, from touches counted for both periods (touchesWithin with STRIP_DAYS).
 */
export function departmentStrip(touches: readonly ColleagueTouches[]): DepartmentStrip[] {
  return STRIP_DAYS.map((days) => {
    const counts = new Map<string, DepartmentCount>();
    for (const { colleague, lastTouch, counts: byPeriod } of touches) {
      const touchCount = byPeriod[days] ?? 0;
      if (touchCount === 0) continue;
      const count = counts.get(colleague.department);
      if (!count) {
        counts.set(colleague.department, {
          department: colleague.department,
          touches: touchCount,
          lastTouch,
        });
        continue;
      }
      count.touches += touchCount;
      if (lastTouch > count.lastTouch) count.lastTouch = lastTouch;
    }
    const departments = [...counts.values()].sort((a, b) => b.lastTouch.localeCompare(a.lastTouch));
    return { days, departments };
  });
}

export interface Suggestion {
  colleague: CachedColleague;
  engagement: EngagementRow;
  /** why them, without the time (the page adds it, kept current): "had a call with Jane Doe" */
  reason: string;
}

/**
 * A two-way engagement: the customer talked with the colleague (a call or a meeting, whoever
 * logged it) or wrote to them (any inbound engagement). An outbound email or an internal note
 * says nothing of whether the customer answers that colleague.
 */
export function isTwoWay(engagement: Pick<EngagementRow, 'channel' | 'direction'>): boolean {
  return (
    engagement.channel === 'call' ||
    engagement.channel === 'meeting' ||
    engagement.direction === 'inbound'
  );
}

/**
 * The colleague to ask first: whoever had the most recent two-way engagement with the customer,
 * other than the user, among the rows given (the feed's last 90 days). Null when there is none.
 */
export function suggestColleague(
  engagements: readonly EngagementRow[],
  customerName: string,
  me: Colleague | null,
): Suggestion | null {
  let latest: EngagementRow | undefined;
  for (const engagement of engagements) {
    if (!engagement.colleague || engagement.colleagueId === me?.id || !isTwoWay(engagement)) {
      continue;
    }
    if (!latest || engagement.occurredAt > latest.occurredAt) latest = engagement;
  }
  if (!latest?.colleague) return null;
  return {
    colleague: latest.colleague,
    engagement: latest,
    reason: twoWayReason(latest, customerName),
  };
}

function twoWayReason(engagement: EngagementRow, customerName: string): string {
  if (engagement.channel === 'call') return `had a call with ${customerName}`;
  if (engagement.channel === 'meeting') return `met ${customerName}`;
  const inbound: Record<Exclude<Channel, 'call' | 'meeting'>, string> = {
    email: `got an email from ${customerName}`,
    ticket: `got a ticket from ${customerName}`,
    social: `got a social message from ${customerName}`,
    chat: `chatted with ${customerName}`,
    note: `heard from ${customerName}`,
  };
  return inbound[engagement.channel];
}

/**
 * Presence rows still current at `now` (a row is gone at its `expiresAt`): colleagues writing to
 * the customer before those viewing it, then the most recently heard from first.
 */
export function currentPresence<Row extends PresenceRow>(rows: readonly Row[], now: Date): Row[] {
  const rank = (row: PresenceRow) => (row.activity === 'composing' ? 0 : 1);
  return rows
    .filter((row) => Date.parse(row.expiresAt) > now.getTime())
    .sort((a, b) => rank(a) - rank(b) || b.at.localeCompare(a.at));
}
