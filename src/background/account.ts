/**
 * Connecting to a Touchbase server and signing out. Runs in the service worker (the options page
 * asks through `connect` / `signOut` messages) and in Node tests against the real server.
 */
import type { TouchbaseDb } from '../cache/db';
import type { ConnectResult } from '../platform/messaging';
import type { Settings } from '../platform/settings';
import { HealthResponse, MeResponse } from '../protocol';
import { initialProgress, type SyncEngine } from './sync';

export interface AccountDeps {
  db: TouchbaseDb;
  engine: Pick<SyncEngine, 'sync' | 'pause'>;
  fetch: typeof fetch;
  settings: () => Promise<Pick<Settings, 'serverUrl' | 'token'>>;
  saveSettings: (patch: Partial<Settings>) => Promise<void>;
}

const REQUEST_TIMEOUT_MS = 15_000;

/** `https://tb.example.com/` → `https://tb.example.com`; null for anything but http(s). */
export function normaliseServerUrl(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/**
 * Checks the server and the token, then stores them and starts the first sync without waiting
 * for it (the options page shows its progress from meta 'sync'). A different server or colleague
 * than before starts from an empty cache: one ledger's rows must not mix with another's.
 */
export async function connect(
  deps: AccountDeps,
  input: { serverUrl: string; token: string },
): Promise<ConnectResult> {
  const serverUrl = normaliseServerUrl(input.serverUrl);
  if (!serverUrl) {
    return {
      ok: false,
      code: 'bad_url',
      message: 'Enter the server’s address starting with https:// (or http:// on your own machine)',
    };
  }
  const token = input.token.trim();
  if (!token) return { ok: false, code: 'bad_token', message: 'Enter your access token' };

  const health = await get(deps, `${serverUrl}/v1/health`);
  if ('unreachable' in health) {
    return {
      ok: false,
      code: 'unreachable',
      message: `Could not reach ${serverUrl} (${health.unreachable}). Check the address and that the server is running.`,
    };
  }
  if (!health.response.ok || !HealthResponse.safeParse(health.body).success) {
    return notTouchbase(serverUrl);
  }

  const me = await get(deps, `${serverUrl}/v1/me`, token);
  if ('unreachable' in me) {
    return {
      ok: false,
      code: 'unreachable',
      message: `Could not reach ${serverUrl} (${me.unreachable})`,
    };
  }
  if (me.response.status === 401) {
    return {
      ok: false,
      code: 'bad_token',
      message: 'The server did not accept this access token: it is mistyped or was revoked',
    };
  }
  if (me.response.status === 403) {
    return {
      ok: false,
      code: 'forbidden',
      message:
        'This token cannot be used in the extension (it is an integration token); ask for a member token',
    };
  }
  const parsedMe = MeResponse.safeParse(me.body);
  if (!me.response.ok || !parsedMe.success) return notTouchbase(serverUrl);
  const { colleague } = parsedMe.data;

  const resume = await deps.engine.pause();
  try {
    const previous = await deps.settings();
    const previousMe = await deps.db.getMeta('me');
    if (previous.serverUrl !== serverUrl || (previousMe && previousMe.id !== colleague.id)) {
      await deps.db.clearAll();
    }
    await deps.db.setMeta('me', colleague);
    // A fresh token lifts a previous "token revoked" stop and any backoff.
    const progress = (await deps.db.getMeta('sync')) ?? initialProgress();
    await deps.db.setMeta('sync', {
      state: 'idle',
      rowsSoFar: 0,
      initial: progress.initial,
      ...(progress.lastSyncedAt ? { lastSyncedAt: progress.lastSyncedAt } : {}),
    });
    await deps.saveSettings({ serverUrl, token });
  } finally {
    resume();
  }
  void deps.engine.sync({ force: true });
  return { ok: true, colleagueName: colleague.name };
}

/** Forgets the token and everything cached; the next connection pushes under a new client id. */
export async function signOut(deps: AccountDeps): Promise<void> {
  const resume = await deps.engine.pause();
  try {
    await deps.saveSettings({ token: '' });
    await deps.db.clearAll();
    await deps.db.setMeta('clientId', crypto.randomUUID());
  } finally {
    resume();
  }
}

function notTouchbase(serverUrl: string): ConnectResult {
  return {
    ok: false,
    code: 'not_touchbase',
    message: `${serverUrl} answered, but it is not a Touchbase server. Check the address.`,
  };
}

async function get(
  deps: AccountDeps,
  url: string,
  token?: string,
): Promise<{ response: Response; body: unknown } | { unreachable: string }> {
  try {
    const response = await deps.fetch(url, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const body: unknown = await response.json().catch(() => undefined);
    return { response, body };
  } catch (error) {
    const reason =
      error instanceof Error && error.name === 'TimeoutError' ? 'timed out' : 'network error';
    return { unreachable: reason };
  }
}
