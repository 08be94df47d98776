import { db } from '../cache/db';
import { type NewNote, saveNote } from '../cache/notes';
import { sendMessage } from '../platform/messaging';

/** What the note form collects; the author and time are added where the note is saved. */
export type NoteDraft = Omit<NewNote, 'me' | 'occurredAt'>;

/**
 * Saves a draft straight into this page's cache and outbox (a top-level extension page: popup,
 * options), then asks the worker to sync. Works offline: the outbox keeps the note.
 */
export async function saveDraftHere(draft: NoteDraft): Promise<void> {
  const me = await db().getMeta('me');
  if (!me) throw new Error('connect Touchbase in options before writing notes');
  await saveNote(db(), { ...draft, me });
  // A failed sync request only delays the push to the next alarm.
  sendMessage('syncNow').catch(() => undefined);
}
