/**
 * Who is on which customer right now, in memory. Presence is ephemeral — a heartbeat every 10 s
 * that lapses 30 s after the last one — so it never touches the database. Every API process
 * keeps the whole board (it hears every heartbeat through the live channel), so a client that
 * connects to any process gets the same snapshot.
 */
import type { Activity, PresenceEvent } from '../protocol';

interface Entry {
  event: PresenceEvent;
  /** this process's clock: when the entry lapses (not `expiresAt`, which another process set) */
  deadline: number;
}

const keyOf = (colleagueId: string, customerId: string) => `${colleagueId}\u0000${customerId}`;

export class PresenceBoard {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * Records a heartbeat (the newest one wins, whatever its activity) and returns the event to
   * broadcast: every renewal is broadcast, so clients can move their own expiry on.
   */
  renew(event: PresenceEvent & { expiresAt: string }): PresenceEvent {
    const lifetime = Date.parse(event.expiresAt) - Date.parse(event.at);
    this.entries.set(keyOf(event.colleagueId, event.customerId), {
      event,
      deadline: this.now() + lifetime,
    });
    return event;
  }

  /**
   * Ends a presence at once; returns the event that tells clients so (`expiresAt` = `at`, with
   * the activity that ended), or null when there was nothing to end.
   */
  end(colleagueId: string, customerId: string, at: string): PresenceEvent | null {
    const key = keyOf(colleagueId, customerId);
    const entry = this.entries.get(key);
    if (!entry) return null;
    this.entries.delete(key);
    if (entry.deadline <= this.now()) return null;
    return { ...entry.event, at, expiresAt: at };
  }

  /** Every unexpired presence, except those of `exceptColleagueId` (nobody is shown to themself). */
  snapshot(exceptColleagueId: string): PresenceEvent[] {
    this.prune();
    return [...this.entries.values()]
      .map((entry) => entry.event)
      .filter((event) => event.colleagueId !== exceptColleagueId);
  }

  /** Drops lapsed entries; clients expire their copies themselves, so nothing is broadcast. */
  prune(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) if (entry.deadline <= now) this.entries.delete(key);
  }
}

/** The heartbeat event for `activity`, timed by the server that received it. */
export function heartbeat(
  colleagueId: string,
  customerId: string,
  activity: Activity,
  ttlMs: number,
  now = Date.now(),
): PresenceEvent & { expiresAt: string } {
  return {
    type: 'presence',
    colleagueId,
    customerId,
    activity,
    at: new Date(now).toISOString(),
    expiresAt: new Date(now + ttlMs).toISOString(),
  };
}
