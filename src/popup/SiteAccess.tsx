import { useEffect, useState } from 'preact/hooks';
import { enabledOrigins, sitePattern } from '../background/sites';
import { siteAdapterFor } from '../content/sites';
import { barredForExtensions } from '../content/sites/generic';
import { sendMessage } from '../platform/messaging';

/** What Touchbase may do on the tab's page. */
type Access =
  /** a browser page (chrome://, a new tab), or one whose address the popup may not read */
  | { kind: 'unreadable' }
  /** an add-on store: browsers let no extension run there */
  | { kind: 'barred' }
  /** a site with its own adapter: nothing to enable */
  | { kind: 'supported' }
  /** `own`: enabled for this site from here; otherwise through a broader grant in the browser */
  | { kind: 'enabled'; host: string; pattern: string; own: boolean }
  | { kind: 'available'; host: string; pattern: string };

async function accessTo(url: string | undefined): Promise<Access> {
  let page: URL;
  try {
    page = new URL(url ?? '');
  } catch {
    return { kind: 'unreadable' };
  }
  if (page.protocol !== 'https:' && page.protocol !== 'http:') return { kind: 'unreadable' };
  if (barredForExtensions(page)) return { kind: 'barred' };
  if (siteAdapterFor(page.hostname)) return { kind: 'supported' };
  const site = { host: page.hostname, pattern: sitePattern(page) };
  if ((await enabledOrigins()).includes(site.pattern))
    return { kind: 'enabled', ...site, own: true };
  if (await chrome.permissions.contains({ origins: [site.pattern] })) {
    return { kind: 'enabled', ...site, own: false };
  }
  return { kind: 'available', ...site };
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * "Enable Touchbase on this site" for a page no site adapter covers: asks the browser for access
 * to that one site (from the click: permission prompts need a user gesture), then has the worker
 * register the content script there and start it in this tab. "Turn off" gives the access back.
 */
export function SiteAccess({ tabId, url }: { tabId: number; url: string | undefined }) {
  const [access, setAccess] = useState<Access>();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ text: string; error?: boolean; reload?: boolean }>();

  useEffect(() => {
    let alive = true;
    void accessTo(url).then((found) => alive && setAccess(found));
    return () => {
      alive = false;
    };
  }, [url]);

  if (!access || access.kind === 'supported') return null;
  if (access.kind === 'unreadable') {
    return <p class="muted small">Touchbase can’t run on this page.</p>;
  }
  if (access.kind === 'barred') {
    return <p class="muted small">Browsers don’t let extensions run on add-on store pages.</p>;
  }
  const { host, pattern } = access;

  async function enable() {
    setBusy(true);
    setMessage(undefined);
    try {
      // First, before any other await: the click's user gesture must still be current.
      const granted = await chrome.permissions.request({ origins: [pattern] });
      if (!granted) {
        setMessage({ text: `Access to ${host} was not granted, so Touchbase stays off here.` });
        return;
      }
      setAccess({ kind: 'enabled', host, pattern, own: true });
      await sendMessage('enableSite', { tabId });
      setMessage({ text: `Touchbase now looks for customers’ e-mail addresses on ${host}.` });
    } catch (error) {
      setMessage({
        text: `Touchbase could not start on this page (${reason(error)}). Reload the page to try again.`,
        error: true,
        reload: true,
      });
    } finally {
      setBusy(false);
    }
  }

  async function turnOff() {
    setBusy(true);
    setMessage(undefined);
    try {
      await chrome.permissions.remove({ origins: [pattern] });
      setAccess({ kind: 'available', host, pattern });
      // The running content script cannot be unloaded: it goes with the page.
      setMessage({
        text: `Touchbase is off on ${host}. Reload the page to remove it here.`,
        reload: true,
      });
    } catch (error) {
      setMessage({ text: `Could not turn Touchbase off: ${reason(error)}`, error: true });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="site-access stack" aria-label="This site">
      {access.kind === 'available' && (
        <>
          <button type="button" disabled={busy} onClick={() => void enable()}>
            Enable Touchbase on this site
          </button>
          <p class="muted small">
            Touchbase asks your browser for access to {host} only, and then looks for e-mail
            addresses on its pages. Nothing of the page is sent anywhere.
          </p>
        </>
      )}
      {access.kind === 'enabled' && access.own && (
        <div class="row">
          <p class="grow small">Touchbase is on for {host}.</p>
          <button type="button" disabled={busy} onClick={() => void turnOff()}>
            Turn off Touchbase on this site
          </button>
        </div>
      )}
      {access.kind === 'enabled' && !access.own && (
        <p class="muted small">
          Touchbase is on for {host} through your browser’s site access settings for extensions.
        </p>
      )}
      {message && (
        <div class="row" role={message.error ? 'alert' : 'status'}>
          <p class={`grow small${message.error ? ' error' : ''}`}>{message.text}</p>
          {message.reload && (
            <button type="button" onClick={() => void chrome.tabs.reload(tabId)}>
              Reload page
            </button>
          )}
        </div>
      )}
    </section>
  );
}
