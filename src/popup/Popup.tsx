import { useEffect, useState } from 'preact/hooks';
import type { CachedCustomer, LocalNote } from '../cache/db';
import { db } from '../cache/db';
import { recentNotes } from '../cache/notes';
import { customersByIds } from '../cache/queries';
import { openOptions, useConnection } from '../ui/connection';
import { useLiveQuery, useNow, useTabState } from '../ui/hooks';
import { NoteForm } from '../ui/NoteForm';
import { saveDraftHere } from '../ui/notes';
import { relativeTime } from '../ui/time';
import { CustomerSearch } from './CustomerSearch';
import { SiteAccess } from './SiteAccess';

const RECENT_NOTES = 10;

interface TargetTab {
  id: number;
  /** readable thanks to activeTab (the user opened the popup on it); absent on browser pages */
  url: string | undefined;
}

/**
 * The tab the popup works for: `?tab=<id>` (the popped-out window, tests), else the active tab
 * of the current window. `null` when there is none (e.g. the popup opened on its own).
 */
function useTargetTab(): TargetTab | null | undefined {
  const [target, setTarget] = useState<TargetTab | null | undefined>(undefined);
  useEffect(() => {
    const param = Number(new URLSearchParams(location.search).get('tab'));
    const named = Number.isInteger(param) && param > 0;
    const tab = named
      ? chrome.tabs.get(param)
      : chrome.tabs.query({ active: true, currentWindow: true }).then(([active]) => active);
    tab.then(
      (found) => setTarget(found?.id === undefined ? null : { id: found.id, url: found.url }),
      // A named tab that closed meanwhile: notes can still be written for its customers.
      () => setTarget(named ? { id: param, url: undefined } : null),
    );
  }, []);
  return target;
}

export function Popup() {
  const { connected } = useConnection();
  const tab = useTargetTab();
  const tabId = tab?.id;
  const [picked, setPicked] = useState<CachedCustomer>();
  const [selectedId, setSelectedId] = useState<string>();

  return (
    <div class="popup stack">
      <header class="row">
        <h1 class="grow">Quick note</h1>
        {typeof tabId === 'number' && !location.search.includes('tab=') && (
          <button type="button" class="icon" onClick={() => popOut(tabId)}>
            Open in a window
          </button>
        )}
      </header>
      {tab && <SiteAccess tabId={tab.id} url={tab.url} />}
      {connected === false && (
        <p class="notice">
          Touchbase is not connected.{' '}
          <a
            href={chrome.runtime.getURL('src/options/index.html')}
            onClick={(event) => {
              event.preventDefault();
              openOptions();
            }}
          >
            Connect Touchbase in options
          </a>
        </p>
      )}
      {connected && (
        <>
          <fieldset class="stack">
            <legend>Customer</legend>
            {typeof tabId === 'number' && (
              <TabCustomers
                tabId={tabId}
                picked={picked}
                selectedId={selectedId}
                onSelect={setSelectedId}
              />
            )}
            <CustomerSearch
              onPick={(customer) => {
                setPicked(customer);
                setSelectedId(customer.id);
              }}
            />
          </fieldset>
          <NoteForm customerId={selectedId} save={saveDraftHere} />
          {!selectedId && <p class="muted small">Choose a customer to write a note about.</p>}
          <RecentNotes />
        </>
      )}
    </div>
  );
}

function popOut(tabId: number) {
  const url = chrome.runtime.getURL(`src/popup/index.html?tab=${tabId}`);
  void chrome.windows.create({ url, type: 'popup', width: 420, height: 640 });
  window.close();
}

/** The tab's customers (focus first) as choices, plus one picked from the search. */
function TabCustomers({
  tabId,
  picked,
  selectedId,
  onSelect,
}: {
  tabId: number;
  picked: CachedCustomer | undefined;
  selectedId: string | undefined;
  onSelect: (customerId: string) => void;
}) {
  const tab = useTabState(tabId);
  const matches = tab.loading ? [] : (tab.state?.matches ?? []);
  const ids = [
    ...matches.filter((m) => m.focus).map((m) => m.customerId),
    ...matches.filter((m) => !m.focus).map((m) => m.customerId),
  ];
  const signature = ids.join(',');
  const onTab = useLiveQuery(() => customersByIds(db(), ids), [signature]) ?? [];
  const choices = picked && !onTab.some((c) => c.id === picked.id) ? [...onTab, picked] : onTab;

  // Preselect the page's focus customer once it is known, unless the user already chose. Only
  // an identified one: a note must not go to a customer the page merely mentions by name.
  const identified = new Set(
    matches.filter((m) => m.evidence === 'exact').map((m) => m.customerId),
  );
  const first = onTab.find((customer) => identified.has(customer.id))?.id;
  useEffect(() => {
    if (first && !selectedId) onSelect(first);
  }, [first, selectedId, onSelect]);

  if (tab.loading) return null;
  if (choices.length === 0) {
    return <p class="muted small">No customer on this tab — search for one.</p>;
  }
  return (
    <div class="tab-customers">
      {choices.map((customer) => (
        <label class="choice" key={customer.id}>
          <input
            type="radio"
            name="customer"
            value={customer.id}
            checked={selectedId === customer.id}
            onChange={() => onSelect(customer.id)}
          />
          <span>
            {customer.name}
            {customer.company && <span class="muted small"> · {customer.company}</span>}
          </span>
        </label>
      ))}
    </div>
  );
}

const STATUS_LABELS: Record<LocalNote['status'], string> = {
  pending: 'Pending',
  synced: 'Synced',
  rejected: 'Rejected',
};

function RecentNotes() {
  const now = useNow();
  const notes = useLiveQuery(async () => {
    const rows = await recentNotes(db(), RECENT_NOTES);
    const customers = await customersByIds(db(), [...new Set(rows.map((n) => n.customerId))]);
    const names = new Map(customers.map((c) => [c.id, c.name]));
    return rows.map((note) => ({ note, customerName: names.get(note.customerId) }));
  }, []);
  if (!notes || notes.length === 0) return null;
  return (
    <section aria-labelledby="recent-notes" class="stack">
      <h2 id="recent-notes">My recent notes</h2>
      <ul class="list recent-notes">
        {notes.map(({ note, customerName }) => (
          <li key={note.id} class={`note-${note.status}`}>
            <p class="row small">
              <span class="grow">{customerName ?? 'Unknown customer'}</span>
              <span class={`pill status-${note.status}`}>{STATUS_LABELS[note.status]}</span>
              <time class="muted" dateTime={note.createdAt}>
                {relativeTime(note.createdAt, now)}
              </time>
            </p>
            <p class="note-body">{note.body}</p>
            {note.status === 'rejected' && (
              <p class="error small">Rejected: {note.error ?? 'the server refused this note'}</p>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
