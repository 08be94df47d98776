// @vitest-environment node
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TouchbaseDb } from '../../src/cache/db';
import { OUT_OF_SPACE_MESSAGE, recentNotes, saveNote } from '../../src/cache/notes';

let db: TouchbaseDb;
const me = { id: 'colleague-1' };

beforeEach(() => {
  db = new TouchbaseDb(`notes-${crypto.randomUUID()}`);
});

afterEach(async () => {
  vi.restoreAllMocks();
  await db.delete();
});

describe('saveNote', () => {
  it('writes the note, its optimistic engagement and the outbox row together', async () => {
    const note = await saveNote(db, {
      customerId: 'cust-1',
      channel: 'call',
      body: '  Called about the renewal  ',
      topic: ' renewal ',
      visibility: 'restricted',
      occurredAt: '2026-11-20T10:00:00.000Z',
      me,
    });
    expect(note).toMatchObject({
      customerId: 'cust-1',
      channel: 'call',
      body: 'Called about the renewal',
      topic: 'renewal',
      visibility: 'restricted',
      status: 'pending',
    });
    expect(await db.notes.get(note.id)).toEqual(note);
    expect(await db.engagements.get(note.id)).toEqual({
      id: note.id,
      customerId: 'cust-1',
      colleagueId: 'colleague-1',
      channel: 'call',
      direction: 'internal',
      occurredAt: '2026-11-20T10:00:00.000Z',
      summary: 'Called about the renewal',
      topic: 'renewal',
      source: 'touchbase',
      visibility: 'restricted',
    });
    const outbox = await db.outbox.toArray();
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({
      name: 'note.create',
      args: {
        id: note.id,
        customerId: 'cust-1',
        channel: 'call',
        body: 'Called about the renewal',
        topic: 'renewal',
        visibility: 'restricted',
        occurredAt: '2026-11-20T10:00:00.000Z',
      },
    });
  });

  it('defaults the time to now and leaves an empty topic out', async () => {
    const before = Date.now();
    const note = await saveNote(db, {
      customerId: 'cust-1',
      channel: 'note',
      body: 'hello',
      topic: '   ',
      visibility: 'team',
      me,
    });
    expect(Date.parse(note.occurredAt)).toBeGreaterThanOrEqual(before);
    expect(note.topic).toBeUndefined();
    expect((await db.engagements.get(note.id))?.topic).toBeUndefined();
  });

  it('refuses bad input with a message naming the field, and writes nothing', async () => {
    const base = {
      customerId: 'cust-1',
      channel: 'note' as const,
      visibility: 'team' as const,
      me,
    };
    await expect(saveNote(db, { ...base, body: '   ' })).rejects.toThrow(/^body:/);
    await expect(saveNote(db, { ...base, body: 'x'.repeat(4001) })).rejects.toThrow(/^body:/);
    await expect(
      saveNote(db, { ...base, body: 'ok', channel: 'fax' as unknown as 'note' }),
    ).rejects.toThrow(/^channel:/);
    await expect(saveNote(db, { ...base, body: 'ok', customerId: '' })).rejects.toThrow(
      /^customerId:/,
    );
    await expect(saveNote(db, { ...base, body: 'ok', me: { id: '' } })).rejects.toThrow(/^me:/);
    expect(await db.notes.count()).toBe(0);
    expect(await db.outbox.count()).toBe(0);
    expect(await db.engagements.count()).toBe(0);
  });

  it('turns a full disk into a message the popup can show, and keeps nothing half-written', async () => {
    vi.spyOn(db.outbox, 'add').mockRejectedValue(
      new DOMException('Quota exceeded', 'QuotaExceededError'),
    );
    await expect(
      saveNote(db, { customerId: 'c', channel: 'note', body: 'hi', visibility: 'team', me }),
    ).rejects.toThrow(OUT_OF_SPACE_MESSAGE);
    expect(await db.notes.count()).toBe(0);
    expect(await db.engagements.count()).toBe(0);
  });
});

describe('recentNotes', () => {
  it('lists this browser’s notes newest first, limited', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      for (const [index, body] of ['first', 'second', 'third'].entries()) {
        vi.setSystemTime(new Date(Date.UTC(2026, 10, 20, 10, index)));
        await saveNote(db, { customerId: 'c', channel: 'note', body, visibility: 'team', me });
      }
    } finally {
      vi.useRealTimers();
    }
    const notes = await recentNotes(db, 2);
    expect(notes.map((note) => [note.body, note.status])).toEqual([
      ['third', 'pending'],
      ['second', 'pending'],
    ]);
  });
});
