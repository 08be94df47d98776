import { useEffect, useId, useState } from 'preact/hooks';
import { enabledOrigins } from '../background/sites';
import { WINDOW_HOURS } from '../cache/coordination';
import { db } from '../cache/db';
import { type ConnectResult, sendMessage } from '../platform/messaging';
import { setSettings } from '../platform/settings';
import { useConnection } from '../ui/connection';
import { useNow, useSettings } from '../ui/hooks';
import { syncStatusText } from '../ui/SyncStatus';
import { SUPPORTED_SITES } from '../ui/sites';
import { exactTime, relativeTime } from '../ui/time';

export function Options() {
  return (
    <main class="options stack">
      <h1>Touchbase</h1>
      <ConnectSection />
      <SyncSection />
      <CoordinationSection />
      <SitesSection />
      <EnabledSitesSection />
    </main>
  );
}

type Failure = Extract<ConnectResult, { ok: false }>;

/** What the user can do about each way connecting fails. */
const CONNECT_ADVICE: Record<Failure['code'], string> = {
  unreachable: 'Could not reach the server. Check the address and that the server is running.',
  not_touchbase: 'That address answers, but it is not a Touchbase server. Check the URL.',
  bad_token: 'The server does not accept this access token. Ask your admin for a new one.',
  bad_url: 'That is not a valid server address. It should look like https://touchbase.example.com.',
  forbidden: 'This token may not be used by the extension (it is not a member token).',
};

function ConnectSection() {
  const id = useId();
  const { connected, me } = useConnection();
  const stored = useSettings('serverUrl');
  const [serverUrl, setServerUrl] = useState<string>();
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure>();
  const [connectedAs, setConnectedAs] = useState<string>();
  const [signedOut, setSignedOut] = useState(false);

  async function connect() {
    const url = (serverUrl ?? stored?.serverUrl ?? '').trim();
    setBusy(true);
    setFailure(undefined);
    setSignedOut(false);
    try {
      const result = await sendMessage('connect', { serverUrl: url, token: token.trim() });
      if (result.ok) {
        setConnectedAs(result.colleagueName);
        setToken('');
      } else {
        setFailure(result);
      }
    } catch (cause) {
      setFailure({
        ok: false,
        code: 'unreachable',
        message: cause instanceof Error ? cause.message : String(cause),
      });
    } finally {
      setBusy(false);
    }
  }

  async function signOut() {
    setBusy(true);
    try {
      await sendMessage('signOut');
      setConnectedAs(undefined);
      setSignedOut(true);
    } finally {
      setBusy(false);
    }
  }

  const name = connectedAs ?? (connected ? me?.name : undefined);
  return (
    <section class="card stack" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Connection</h2>
      <form
        class="stack"
        onSubmit={(event) => {
          event.preventDefault();
          void connect();
        }}
      >
        <div>
          <label for={`${id}-url`}>Server URL</label>
          <input
            id={`${id}-url`}
            type="url"
            required
            autoComplete="url"
            placeholder="https://touchbase.example.com"
            value={serverUrl ?? stored?.serverUrl ?? ''}
            onInput={(event) => setServerUrl(event.currentTarget.value)}
          />
        </div>
        <div>
          <label for={`${id}-token`}>Access token</label>
          <input
            id={`${id}-token`}
            type="password"
            required
            autoComplete="off"
            placeholder={connected ? 'stored — paste a new one to change it' : ''}
            value={token}
            onInput={(event) => setToken(event.currentTarget.value)}
          />
        </div>
        <div class="row">
          <button type="submit" class="primary" disabled={busy}>
            Connect
          </button>
          {connected && (
            <button type="button" disabled={busy} onClick={() => void signOut()}>
              Sign out
            </button>
          )}
        </div>
      </form>
      <div aria-live="polite">
        {busy && <p class="muted">Working…</p>}
        {failure && (
          <p class="error" role="alert">
            {CONNECT_ADVICE[failure.code]}
            {failure.message && <span class="small"> ({failure.message})</span>}
          </p>
        )}
        {!busy && name && <p class="ok">Connected as {name}</p>}
        {!busy && signedOut && <p>Signed out. The token and the cached data were removed.</p>}
      </div>
    </section>
  );
}

function SyncSection() {
  const id = useId();
  const { connected, sync } = useConnection();
  const now = useNow();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  if (!connected) return null;

  async function syncNow() {
    setBusy(true);
    setError(undefined);
    try {
      await sendMessage('syncNow');
    } catch (cause) {
      setError(cause instanceof Error ? cause.message : String(cause));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="card stack" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Sync</h2>
      <dl class="facts">
        <dt>Status</dt>
        <dd role="status">{syncStatusText(sync, now)}</dd>
        {sync?.state === 'syncing' && (
          <>
            <dt>Rows so far</dt>
            <dd>{sync.rowsSoFar.toLocaleString('en')}</dd>
          </>
        )}
        <dt>Last synced</dt>
        <dd>
          {sync?.lastSyncedAt ? (
            <time dateTime={sync.lastSyncedAt} title={exactTime(sync.lastSyncedAt)}>
              {relativeTime(sync.lastSyncedAt, now)}
            </time>
          ) : (
            'never'
          )}
        </dd>
        {sync?.lastError && (
          <>
            <dt>Last error</dt>
            <dd>{sync.lastError}</dd>
          </>
        )}
      </dl>
      <div class="row">
        <button type="button" disabled={busy} onClick={() => void syncNow()}>
          {busy ? 'Syncing…' : 'Sync now'}
        </button>
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <CachedCounts />
    </section>
  );
}

/** How much of the ledger this browser holds (a quick sanity check for the user). */
function CachedCounts() {
  const [counts, setCounts] = useState<{ customers: number; engagements: number }>();
  const { sync } = useConnection();
  const lastSyncedAt = sync?.lastSyncedAt;
  useEffect(() => {
    void Promise.all([db().customers.count(), db().engagements.count()]).then(
      ([customers, engagements]) => setCounts({ customers, engagements }),
    );
  }, [lastSyncedAt]);
  if (!counts) return null;
  return (
    <p class="muted small">
      Cached: {counts.customers.toLocaleString('en')} customers,{' '}
      {counts.engagements.toLocaleString('en')} engagements.
    </p>
  );
}

/** A whole number of hours within WINDOW_HOURS, or the message saying what is wrong. */
function parseWindowHours(text: string): { hours: number } | { error: string } {
  const hours = Number(text.trim());
  if (
    text.trim() === '' ||
    !Number.isInteger(hours) ||
    hours < WINDOW_HOURS.min ||
    hours > WINDOW_HOURS.max
  ) {
    return {
      error: `Enter a whole number of hours from ${WINDOW_HOURS.min} to ${WINDOW_HOURS.max} (${WINDOW_HOURS.max / 24} days).`,
    };
  }
  return { hours };
}

/** The heads-up window and whether colleagues see the user on customers. */
function CoordinationSection() {
  const id = useId();
  const settings = useSettings('coordinationWindowHours', 'sharePresence');
  // What the user typed, kept while it is not a valid number of hours (never saved then).
  const [draft, setDraft] = useState<string>();
  if (!settings) return null;
  const text = draft ?? String(settings.coordinationWindowHours);
  const parsed = parseWindowHours(text);
  const error = 'error' in parsed ? parsed.error : undefined;

  function onWindowInput(value: string) {
    setDraft(value);
    const next = parseWindowHours(value);
    if ('hours' in next) void setSettings({ coordinationWindowHours: next.hours });
  }

  return (
    <section class="card stack" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Coordination</h2>
      <div>
        <label for={`${id}-window`}>Coordination window (hours)</label>
        <input
          id={`${id}-window`}
          class="hours"
          type="number"
          inputMode="numeric"
          min={WINDOW_HOURS.min}
          max={WINDOW_HOURS.max}
          step={1}
          value={text}
          aria-invalid={error ? true : undefined}
          aria-describedby={`${id}-window-hint${error ? ` ${id}-window-error` : ''}`}
          onInput={(event) => onWindowInput(event.currentTarget.value)}
        />
        <p id={`${id}-window-hint`} class="muted small">
          When another colleague engaged with a customer within this many hours, the sidebar shows a
          heads-up and the toolbar badge turns amber. Default 48.
        </p>
        {error && (
          <p id={`${id}-window-error`} class="error small" role="alert">
            {error}
          </p>
        )}
      </div>
      <div>
        <label class="choice">
          <input
            type="checkbox"
            checked={settings.sharePresence}
            aria-describedby={`${id}-presence-hint`}
            onChange={(event) => void setSettings({ sharePresence: event.currentTarget.checked })}
          />
          <span>Share my presence</span>
        </label>
        <p id={`${id}-presence-hint`} class="muted small">
          Colleagues on the same customer see that you are viewing or writing to them. Only the
          customer and the activity are sent, never page text.
        </p>
      </div>
    </section>
  );
}

function SitesSection() {
  const id = useId();
  const settings = useSettings('sites', 'disabledAdapters');
  if (!settings) return null;
  const { sites, disabledAdapters } = settings;
  return (
    <section class="card stack" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Sites</h2>
      <p class="muted small">
        Where Touchbase looks for customers. Nothing of a page is sent anywhere.
      </p>
      {SUPPORTED_SITES.map((site) => {
        // The server's kill switch wins over the user's choice, which is kept for when it ends.
        const turnedOff = disabledAdapters.includes(site.id);
        return (
          <div key={site.id}>
            <label class="choice">
              <input
                type="checkbox"
                checked={!turnedOff && sites[site.id] !== false}
                disabled={turnedOff}
                aria-describedby={turnedOff ? `${id}-${site.id}-off` : undefined}
                onChange={(event) =>
                  void setSettings({ sites: { ...sites, [site.id]: event.currentTarget.checked } })
                }
              />
              <span>
                {site.label} <span class="muted small">({site.hosts})</span>
              </span>
            </label>
            {turnedOff && (
              <p id={`${id}-${site.id}-off`} class="muted small admin-off">
                Turned off by your administrator
              </p>
            )}
          </div>
        );
      })}
    </section>
  );
}

/** Sites the user enabled from the popup ("Enable Touchbase on this site"), each removable. */
function EnabledSitesSection() {
  const id = useId();
  const settings = useSettings('genericMentions');
  const [origins, setOrigins] = useState<string[]>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    const refresh = () => void enabledOrigins().then(setOrigins);
    refresh();
    // Granted or removed elsewhere too: in the popup, or in the browser's site access settings.
    chrome.permissions.onAdded.addListener(refresh);
    chrome.permissions.onRemoved.addListener(refresh);
    return () => {
      chrome.permissions.onAdded.removeListener(refresh);
      chrome.permissions.onRemoved.removeListener(refresh);
    };
  }, []);

  async function remove(origin: string) {
    setError(undefined);
    try {
      await chrome.permissions.remove({ origins: [origin] });
    } catch (cause) {
      setError(`Could not remove ${origin}: ${cause instanceof Error ? cause.message : cause}`);
    }
  }

  if (!origins || !settings) return null;
  return (
    <section class="card stack" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Sites you enabled</h2>
      <p class="muted small">
        On these sites Touchbase looks for e-mail addresses. To add one, open it and choose “Enable
        Touchbase on this site” in the toolbar popup.
      </p>
      {origins.length === 0 ? (
        <p class="muted">None yet.</p>
      ) : (
        <ul class="list enabled-sites">
          {origins.map((origin) => {
            const site = origin.replace(/\/\*$/, '');
            return (
              <li class="row" key={origin}>
                <span class="grow">{site}</span>
                <button
                  type="button"
                  aria-label={`Remove ${site}`}
                  onClick={() => void remove(origin)}
                >
                  Remove
                </button>
              </li>
            );
          })}
        </ul>
      )}
      <label class="choice">
        <input
          type="checkbox"
          checked={settings.genericMentions}
          onChange={(event) => void setSettings({ genericMentions: event.currentTarget.checked })}
        />
        <span>Also look for customer names on sites I enable</span>
      </label>
      <p class="muted small">
        Off by default: a name alone is weak evidence, so these show as possible matches.
      </p>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
