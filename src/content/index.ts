/**
 * The content script: rescans the page with its site's adapter at most once per animation frame
 * after the page changed, reports the candidates to the service worker when they change, and
 * shows the sidebar host while the page has candidates. It carries no customer data: the worker
 * resolves candidates and the sidebar iframe (extension origin) shows the result.
 *
 * Each site gets its own bundle (`content-<site>.js`, see vite.config.ts): this core plus that
 * one adapter, so a Gmail tab never loads the other sites' code.
 */
import { COMPOSING_HEARTBEAT_MS, onMessage, sendMessage } from '../platform/messaging';
import { getSettings, setSettings, watchSettings } from '../platform/settings';
import { watchPage } from './page-watcher';
import { createScanner } from './scanner';
import { createSidebarHost } from './sidebar-host';
import type { SiteAdapter } from './sites/types';

const SIDEBAR_PAGE = 'src/sidebar/index.html';

function extensionAlive(): boolean {
  try {
    return Boolean(chrome.runtime?.id);
  } catch {
    return false;
  }
}

async function start(adapter: SiteAdapter) {
  const settings = await getSettings(
    'sites',
    'disabledAdapters',
    'sidebarCollapsed',
    'genericMentions',
  );
  let { sites, disabledAdapters } = settings;
  let { genericMentions } = settings;
  // Off when the user switched the site off, or an admin turned its adapter off (the server's
  // kill switch, cached by the worker): either way it reports nothing and the sidebar hides.
  const enabled = () => sites[adapter.id] !== false && !disabledAdapters.includes(adapter.id);

  const sidebar = createSidebarHost({
    src: () => chrome.runtime.getURL(SIDEBAR_PAGE),
    collapsed: settings.sidebarCollapsed,
    onToggle: (sidebarCollapsed) => void setSettings({ sidebarCollapsed }).catch(() => {}),
  });

  // While the user writes to someone, a heartbeat renews the worker's "composing" presence (the
  // worker keeps no timer of its own: Chrome may stop it). Only a ping: the keys went with the
  // report, and nothing comes back. A hidden tab is not being written in: no ping, so it lapses.
  let composingHeartbeat: ReturnType<typeof setInterval> | undefined;
  const stillComposing = () => {
    if (document.visibilityState !== 'hidden') void sendMessage('stillComposing').catch(() => {});
  };
  function followComposing(composing: boolean) {
    clearInterval(composingHeartbeat);
    composingHeartbeat = composing
      ? setInterval(stillComposing, COMPOSING_HEARTBEAT_MS)
      : undefined;
  }

  const scanner = createScanner({
    adapter,
    doc: document,
    location,
    isEnabled: enabled,
    genericMentions: () => genericMentions,
    onChange(report) {
      // Decided from the page alone, never from what the ledger knows: the page can see the
      // host element, so whether it shows must not tell the page who is a customer.
      sidebar.setListPage(!report.candidates.some((candidate) => candidate.focus));
      sidebar.setVisible(report.candidates.length > 0);
      if (report.composing) followComposing(report.composing.length > 0);
      sendMessage('reportCandidates', report).catch((error: unknown) => {
        if (!extensionAlive() || String(error).includes('Extension context invalidated')) stop();
        else scanner.forget();
      });
    },
  });

  const watcher = watchPage({
    // Mounting the sidebar host, or putting it back, is no change of the page.
    isOwn: sidebar.isHost,
    onFrame(changes) {
      if (!extensionAlive()) return stop();
      scanner.scan(changes);
      // Text changes elsewhere cannot change the next scan: they cost it nothing.
      watcher.watchText(scanner.textElements());
    },
  });
  // Writing starts and stops without DOM changes too: the focus moves, a textarea's value
  // changes. Each only asks for the next frame's scan, like a mutation.
  const WRITING_EVENTS = ['focusin', 'focusout', 'input'] as const;
  for (const type of WRITING_EVENTS) document.addEventListener(type, watcher.schedule, true);

  const stopWatchingSettings = watchSettings((changed) => {
    if (changed.sites || changed.disabledAdapters) {
      sites = changed.sites ?? sites;
      disabledAdapters = changed.disabledAdapters ?? disabledAdapters;
      watcher.schedule();
    }
    if (changed.sidebarCollapsed !== undefined) sidebar.setCollapsed(changed.sidebarCollapsed);
    if (changed.genericMentions !== undefined) {
      genericMentions = changed.genericMentions;
      watcher.schedule();
    }
  });
  const stopListening = onMessage('toggleSidebar', () => sidebar.toggle());
  // Customer names changed in the worker, which keeps no page text: send it again.
  const stopReportingAgain = onMessage('reportAgain', () => {
    scanner.forget();
    watcher.schedule();
  });

  // The extension was reloaded or removed: this script is orphaned and must leave the page be.
  function stop() {
    watcher.stop();
    for (const type of WRITING_EVENTS) document.removeEventListener(type, watcher.schedule, true);
    followComposing(false);
    sidebar.destroy();
    try {
      stopWatchingSettings();
      stopListening();
      stopReportingAgain();
    } catch {
      // chrome.* may already be gone with the context.
    }
  }

  watcher.schedule();
}

export function startContentScript(adapter: SiteAdapter): void {
  start(adapter).catch((error: unknown) =>
    console.warn('touchbase: content script did not start', error),
  );
}
