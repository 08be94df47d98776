/**
 * The content script: finds the site adapter for this page, rescans at most once per animation
 * frame after the page changed, reports the candidates to the service worker when they change,
 * and shows the sidebar host while the page has candidates. It carries no customer data: the
 * worker resolves candidates and the sidebar iframe (extension origin) shows the result.
 */
import { onMessage, sendMessage } from '../platform/messaging';
import { getSettings, setSettings, watchSettings } from '../platform/settings';
import { watchPage } from './page-watcher';
import { createScanner } from './scanner';
import { createSidebarHost } from './sidebar-host';
import { adapterFor } from './sites';

const SIDEBAR_PAGE = 'src/sidebar/index.html';

function extensionAlive(): boolean {
  try {
    return Boolean(chrome.runtime?.id);
  } catch {
    return false;
  }
}

async function start() {
  const adapter = adapterFor(location.hostname);
  if (!adapter) return;
  const settings = await getSettings('sites', 'sidebarCollapsed');
  let enabled = settings.sites[adapter.id] !== false;

  const sidebar = createSidebarHost({
    src: () => chrome.runtime.getURL(SIDEBAR_PAGE),
    collapsed: settings.sidebarCollapsed,
    onToggle: (sidebarCollapsed) => void setSettings({ sidebarCollapsed }).catch(() => {}),
  });

  const scanner = createScanner({
    adapter,
    doc: document,
    location,
    isEnabled: () => enabled,
    onChange(report) {
      sidebar.setVisible(report.candidates.length > 0);
      sendMessage('reportCandidates', report).catch((error: unknown) => {
        if (!extensionAlive() || String(error).includes('Extension context invalidated')) stop();
        else scanner.forget();
      });
    },
  });

  const watcher = watchPage({
    onFrame() {
      if (extensionAlive()) scanner.scan();
      else stop();
    },
  });

  const stopWatchingSettings = watchSettings((changed) => {
    if (changed.sites) {
      enabled = changed.sites[adapter.id] !== false;
      watcher.schedule();
    }
    if (changed.sidebarCollapsed !== undefined) sidebar.setCollapsed(changed.sidebarCollapsed);
  });
  const stopListening = onMessage('toggleSidebar', () => sidebar.toggle());

  // The extension was reloaded or removed: this script is orphaned and must leave the page be.
  function stop() {
    watcher.stop();
    sidebar.destroy();
    try {
      stopWatchingSettings();
      stopListening();
    } catch {
      // chrome.* may already be gone with the context.
    }
  }

  watcher.schedule();
}

start().catch((error: unknown) => console.warn('touchbase: content script did not start', error));
