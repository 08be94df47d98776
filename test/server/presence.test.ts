// @vitest-environment node
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LiveEvent } from '../../src/protocol';
import { openStore } from '../../src/server/db';
import { LiveHub, PokeThrottle } from '../../src/server/live';
import { migrateToLatest } from '../../src/server/migrate';
import { heartbeat, PresenceBoard } from '../../src/server/presence';

const TTL = 30_000;

describe('PresenceBoard', () => {
  const clock = () => {
    const state = { now: Date.parse('2026-11-23T10:00:00.000Z') };
    return { state, now: () => state.now };
  };

  it('keeps a heartbeat for its lifetime, renewed by each heartbeat, then drops it', () => {
    const { state, now } = clock();
    const board = new PresenceBoard(now);
    board.renew(heartbeat('ana', 'carla', 'viewing', TTL, state.now));
    state.now += 20_000;
    board.renew(heartbeat('ana', 'carla', 'viewing', TTL, state.now));
    state.now += 29_999; // 49.999 s after the first heartbeat, 29.999 s after the last
    expect(board.snapshot('ben').map((event) => event.colleagueId)).toEqual(['ana']);
    state.now += 1;
    expect(board.snapshot('ben')).toEqual([]);
  });

  it("times the lifetime on its own clock, not the sender's expiresAt", () => {
    const { state, now } = clock();
    const board = new PresenceBoard(now);
    // another process whose clock is a minute behind
    board.renew(heartbeat('ana', 'carla', 'viewing', TTL, state.now - 60_000));
    expect(board.snapshot('ben')).toHaveLength(1);
    state.now += TTL;
    expect(board.snapshot('ben')).toEqual([]);
  });

  it('never shows colleagues themselves; one entry per colleague and customer, newest wins', () => {
    const { state, now } = clock();
    const board = new PresenceBoard(now);
    board.renew(heartbeat('ana', 'carla', 'viewing', TTL, state.now));
    board.renew(heartbeat('ana', 'carla', 'composing', TTL, state.now + 1));
    board.renew(heartbeat('ana', 'dora', 'viewing', TTL, state.now));
    board.renew(heartbeat('ben', 'carla', 'viewing', TTL, state.now));
    expect(board.snapshot('ana').map((e) => [e.colleagueId, e.customerId])).toEqual([
      ['ben', 'carla'],
    ]);
    expect(board.snapshot('ben').map((e) => [e.colleagueId, e.customerId, e.activity])).toEqual([
      ['ana', 'carla', 'composing'],
      ['ana', 'dora', 'viewing'],
    ]);
  });

  it('ends a presence at once with an event that expires when it is sent', () => {
    const { state, now } = clock();
    const board = new PresenceBoard(now);
    board.renew(heartbeat('ana', 'carla', 'composing', TTL, state.now));
    const at = new Date(state.now + 5000).toISOString();
    expect(board.end('ana', 'carla', at)).toEqual({
      type: 'presence',
      colleagueId: 'ana',
      customerId: 'carla',
      activity: 'composing',
      at,
      expiresAt: at,
    });
    expect(board.snapshot('ben')).toEqual([]);
    expect(board.end('ana', 'carla', at)).toBeNull(); // nothing left to end
    board.renew(heartbeat('ana', 'dora', 'viewing', TTL, state.now));
    state.now += TTL;
    expect(board.end('ana', 'dora', at)).toBeNull(); // lapsed already: clients dropped it
  });

  it('heartbeat() times an event from the server clock', () => {
    expect(heartbeat('ana', 'carla', 'viewing', 1500, Date.parse('2026-11-23T10:00:00Z'))).toEqual({
      type: 'presence',
      colleagueId: 'ana',
      customerId: 'carla',
      activity: 'viewing',
      at: '2026-11-23T10:00:00.000Z',
      expiresAt: '2026-11-23T10:00:01.500Z',
    });
  });
});

describe('PokeThrottle', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends the first poke at once and folds the next ones of an interval into one', () => {
    vi.useFakeTimers();
    const send = vi.fn();
    const throttle = new PokeThrottle(send, 250, () => Date.now());
    throttle.request();
    expect(send).toHaveBeenCalledTimes(1);
    throttle.request();
    throttle.request();
    vi.advanceTimersByTime(249);
    expect(send).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1);
    expect(send).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(1000); // nothing asked meanwhile: nothing sent
    expect(send).toHaveBeenCalledTimes(2);
    throttle.request(); // long after the last one: at once again
    expect(send).toHaveBeenCalledTimes(3);
  });

  it('sends nothing after cancel', () => {
    vi.useFakeTimers();
    const send = vi.fn();
    const throttle = new PokeThrottle(send, 250, () => Date.now());
    throttle.request();
    throttle.request();
    throttle.cancel();
    vi.advanceTimersByTime(1000);
    expect(send).toHaveBeenCalledTimes(1);
  });
});

describe('LiveHub (in-process, SQLite)', () => {
  it('stops sending to a client once it unsubscribes, and ends every client on close', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'touchbase-hub-'));
    const store = openStore({ sqliteFile: join(dir, 'hub.sqlite') });
    try {
      await migrateToLatest(store.db);
      const hub = new LiveHub(store);
      await hub.start();
      const received: LiveEvent[] = [];
      const closed: string[] = [];
      const unsubscribeBen = hub.subscribe('ben', {
        send: (event) => received.push(event),
        close: () => closed.push('ben'),
      });
      hub.subscribe('cleo', { send: () => undefined, close: () => closed.push('cleo') });
      await hub.presence('ana', { customerId: 'carla', activity: 'viewing' });
      expect(received.map((event) => event.type)).toEqual(['poke', 'presence']);
      unsubscribeBen();
      await hub.presence('ana', { customerId: 'carla', activity: 'composing' });
      expect(received).toHaveLength(2);
      await hub.close();
      expect(closed).toEqual(['cleo']);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
