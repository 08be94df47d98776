/**
 * The note write path shared by the popup and the sidebar's inline "add note". A note is written
 * locally first (so it works offline and shows at once) and queued in the outbox; the service
 * worker's sync engine pushes it and records the server's verdict on the note.
 */
import {
  type Channel,
  type Colleague,
  describeZodError,
  NoteCreateArgs,
  type Visibility,
} from '../protocol';
import type { CachedEngagement, LocalNote, OutboxRow, TouchbaseDb } from './db';

export interface NewNote {
  customerId: string;
  channel: Channel;
  body: string;
  topic?: string;
  visibility: Visibility;
  /** defaults to now */
  occurredAt?: string;
  /** the connected colleague (meta 'me'): the note's author */
  me: Pick<Colleague, 'id'>;
}

/** Shown as is by the note form: it already says the note was not saved and what to do. */
export const OUT_OF_SPACE_MESSAGE =
  "Your browser is out of storage for Touchbase: the note was not saved. Free up disk space or clear other sites' data, then press Save again.";

/**
 * Saves a note in one transaction: the note (status 'pending'), its optimistic engagement (same
 * id, so the server's copy replaces it when pulled) and the outbox row that will push it.
 * Throws an Error naming the bad field, or {@link OUT_OF_SPACE_MESSAGE}; nothing is written then.
 */
export async function saveNote(db: TouchbaseDb, input: NewNote): Promise<LocalNote> {
  if (!input.me?.id) throw new Error('me: connect Touchbase before writing notes');
  const topic = input.topic?.trim();
  const parsed = NoteCreateArgs.safeParse({
    id: crypto.randomUUID(),
    customerId: input.customerId,
    channel: input.channel,
    body: input.body,
    topic: topic || undefined,
    visibility: input.visibility,
    occurredAt: input.occurredAt ?? new Date().toISOString(),
  });
  if (!parsed.success) throw new Error(describeZodError(parsed.error));
  const args = parsed.data;

  const note: LocalNote = {
    ...args,
    createdAt: new Date().toISOString(),
    status: 'pending',
  };
  const engagement: CachedEngagement = {
    id: args.id,
    customerId: args.customerId,
    colleagueId: input.me.id,
    channel: args.channel,
    direction: 'internal',
    occurredAt: args.occurredAt,
    summary: args.body,
    source: 'touchbase',
    visibility: args.visibility,
    ...(args.topic ? { topic: args.topic } : {}),
  };
  const outboxRow: OutboxRow = { name: 'note.create', args, createdAt: note.createdAt };

  try {
    await db.transaction('rw', db.notes, db.engagements, db.outbox, async () => {
      await db.notes.add(note);
      await db.engagements.put(engagement);
      await db.outbox.add(outboxRow);
    });
  } catch (error) {
    if (isQuotaError(error)) throw new Error(OUT_OF_SPACE_MESSAGE, { cause: error });
    throw error;
  }
  return note;
}

/** The notes this browser wrote, newest first, with their sync status. */
export function recentNotes(db: TouchbaseDb, limit = 20): Promise<LocalNote[]> {
  return db.notes.orderBy('createdAt').reverse().limit(limit).toArray();
}

/** Dexie re-wraps the DOMException, so the name may sit on the error or on its `inner`. */
function isQuotaError(error: unknown): boolean {
  const names = [error, (error as { inner?: unknown } | null)?.inner].map(
    (candidate) => (candidate as { name?: unknown } | null)?.name,
  );
  return names.includes('QuotaExceededError');
}
