import { useState } from 'preact/hooks';
import {
  currentPresence,
  type DepartmentStrip,
  type HeadsUp,
  headsUp,
} from '../cache/coordination';
import type { SyncProgress } from '../cache/db';
import type { DepartmentTouches, EngagementRow, PresenceView } from '../cache/queries';
import {
  type Candidate,
  type MentionEvidence,
  orderedMatches,
  type TabMatch,
} from '../platform/messaging';
import { setSettings } from '../platform/settings';
import type { Colleague } from '../protocol';
import { openOptions } from '../ui/connection';
import { type TabStateResult, useNow, useSettings, useTabState } from '../ui/hooks';
import { CHANNEL_LABELS, describeKey, describeMatch } from '../ui/labels';
import { NoteForm } from '../ui/NoteForm';
import type { NoteDraft } from '../ui/notes';
import { SyncStatus } from '../ui/SyncStatus';
import { exactTime, relativeTime } from '../ui/time';
import { type CustomerView, type SidebarSnapshot, SUMMARY_DAYS } from './feed';
import { useSidebarFeed } from './feed-client';

/**
 * The page inside the overlay iframe: the tab's customers and who at the company touched them.
 * Its data comes from the worker (see feed.ts): this frame may not open IndexedDB.
 */
export function Sidebar() {
  const settings = useSettings('serverUrl', 'token', 'sharePresence', 'coordinationWindowHours');
  const connected = settings && Boolean(settings.serverUrl && settings.token);
  const tab = useTabState();
  const matches = tab.loading ? [] : orderedMatches(tab.state);
  const feed = useSidebarFeed(connected ? matches.map((m) => m.customerId) : undefined);
  const now = useNow();

  return (
    <div class="sidebar">
      <header class="sidebar-header row">
        <h1 class="grow">Touchbase</h1>
        <button
          type="button"
          class="icon"
          aria-label="Collapse the Touchbase sidebar"
          title="Collapse"
          onClick={() => void setSettings({ sidebarCollapsed: true })}
        >
          ⟩
        </button>
      </header>
      <main class="sidebar-body stack">
        {connected === false && <NotConnected />}
        {connected && feed.snapshot && (
          <>
            <SyncStatus sync={feed.snapshot.sync ?? undefined} now={now} />
            {settings.sharePresence === false && <PresenceOff />}
            {isFirstSync(feed.snapshot.sync) ? (
              <FirstSync rowsSoFar={feed.snapshot.sync?.rowsSoFar ?? 0} />
            ) : (
              <TabCustomers
                tab={tab}
                matches={matches}
                snapshot={feed.snapshot}
                saveNote={feed.saveNote}
                now={now}
                windowHours={settings.coordinationWindowHours}
              />
            )}
          </>
        )}
      </main>
    </div>
  );
}

/** Until the first complete pull the cache cannot tell "not in Touchbase" from "not here yet". */
function isFirstSync(sync: SyncProgress | null): boolean {
  return !sync || (sync.initial && !sync.lastSyncedAt);
}

function NotConnected() {
  return (
    <section class="card stack" aria-labelledby="not-connected">
      <h2 id="not-connected">Connect Touchbase in options</h2>
      <p class="muted">
        Enter your company's Touchbase server and your access token to see who engaged with the
        people on this page.
      </p>
      <button type="button" class="primary" onClick={openOptions}>
        Open options
      </button>
    </section>
  );
}

/** The user turned off sharing their presence: colleagues do not see them on customers. */
function PresenceOff() {
  return (
    <p class="notice small row presence-off">
      <span class="grow">You are not sharing your presence</span>
      <button type="button" class="small" onClick={openOptions}>
        Change in options
      </button>
    </p>
  );
}

function FirstSync({ rowsSoFar }: { rowsSoFar: number }) {
  return (
    <section class="card stack" aria-labelledby="first-sync" aria-busy="true">
      <h2 id="first-sync">First sync in progress</h2>
      <p>
        {rowsSoFar > 0
          ? `${rowsSoFar.toLocaleString('en')} rows so far.`
          : 'Downloading your company directory…'}
      </p>
      <progress aria-label="First sync" />
    </section>
  );
}

function TabCustomers({
  tab,
  matches,
  snapshot,
  saveNote,
  now,
  windowHours,
}: {
  tab: TabStateResult;
  matches: TabMatch[];
  snapshot: SidebarSnapshot;
  saveNote: (draft: NoteDraft) => Promise<void>;
  now: Date;
  windowHours: number;
}) {
  if (tab.loading) return <p class="muted">Looking for customers on this page…</p>;
  const unmatched = tab.state?.unmatched ?? [];
  if (matches.length === 0) {
    return unmatched.length > 0 ? <NotInTouchbase unmatched={unmatched} /> : <NoCustomers />;
  }
  const views = new Map(snapshot.customers.map((view) => [view.customer.id, view]));
  const context: CoordinationContext = {
    me: snapshot.me,
    presence: snapshot.presence,
    windowHours,
    saveNote,
    now,
  };
  const identified = matches.filter((match) => match.evidence !== 'mentioned');
  const mentioned = matches.filter((match) => match.evidence === 'mentioned');
  return (
    <>
      {identified.map((match) => {
        const view = views.get(match.customerId);
        return (
          view && (
            <CustomerPanel key={match.customerId} match={match} view={view} context={context} />
          )
        );
      })}
      <MentionedOnPage mentioned={mentioned} views={views} context={context} />
      {/* Customers the ledger knows first; the page's unknown addresses last. */}
      {identified.length > 0 ? (
        <AlsoOnPage unmatched={unmatched} />
      ) : (
        unmatched.length > 0 && <NotInTouchbase unmatched={unmatched} />
      )}
    </>
  );
}

/** Addresses and profiles on the page that the ledger does not know, below the customers. */
function AlsoOnPage({ unmatched }: { unmatched: Candidate[] }) {
  if (unmatched.length === 0) return null;
  return (
    <section aria-labelledby="also-on-page" class="small">
      <h3 id="also-on-page">Not in Touchbase yet</h3>
      <ul class="list muted">
        {unmatched.map((candidate) => (
          <li key={candidate.key}>{describeKey(candidate.key)}</li>
        ))}
      </ul>
    </section>
  );
}

/**
 * Customers only named in the page's text, below the identified ones and folded by default:
 * weaker evidence than an address or a profile. No section when there are none.
 */
function MentionedOnPage({
  mentioned,
  views,
  context,
}: {
  mentioned: TabMatch[];
  views: Map<string, CustomerView>;
  context: CoordinationContext;
}) {
  const shown = mentioned.flatMap((match) => {
    const view = views.get(match.customerId);
    return view && match.mention ? [{ view, mention: match.mention }] : [];
  });
  if (shown.length === 0) return null;
  return (
    <section aria-labelledby="mentioned-on-page" class="stack">
      <h3 id="mentioned-on-page">Mentioned on this page</h3>
      {shown.map(({ view, mention }) => (
        <MentionedCustomer key={view.customer.id} view={view} mention={mention} context={context} />
      ))}
    </section>
  );
}

/** A `<details>`: its summary is a keyboard-reachable toggle without any script of ours. */
function MentionedCustomer({
  view,
  mention,
  context,
}: {
  view: CustomerView;
  mention: MentionEvidence;
  context: CoordinationContext;
}) {
  const { customer, departments } = view;
  const glance =
    departments.length > 0
      ? departments.map((department) => department.department).join(', ')
      : `No colleague in the last ${SUMMARY_DAYS} days`;
  return (
    <details class="card stack customer mentioned">
      <summary>
        <span class="name">{customer.name}</span>
        {customer.company && <span class="muted small"> · {customer.company}</span>}
        <span class="line small muted">{describeMention(mention)}</span>
        <span class="line small muted">{glance}</span>
      </summary>
      <CustomerDetails view={view} context={context} />
    </details>
  );
}

/** 'mentioned as "Acme Robotics" · 3 times', or the doubt when the name is not unique. */
function describeMention({ phrase, count, sharedBy }: MentionEvidence): string {
  if (sharedBy > 1) return `maybe mentioned as "${phrase}": name shared by ${sharedBy} customers`;
  return `mentioned as "${phrase}"${count > 1 ? ` · ${count} times` : ''}`;
}

/** Focus first, then the worker's order (exact, possible, then mentioned). */
function NoCustomers() {
  return (
    <section class="card" aria-labelledby="no-customers">
      <h2 id="no-customers">No customers on this page</h2>
      <p class="muted">Open an email or a profile to see who at your company knows them.</p>
    </section>
  );
}

function NotInTouchbase({ unmatched }: { unmatched: Candidate[] }) {
  return (
    <section class="card stack" aria-labelledby="not-in-touchbase">
      <h2 id="not-in-touchbase">Not in Touchbase yet</h2>
      <p class="muted">
        Nobody at your company has a record of this person yet. Once they are added to the ledger
        (by an import or a connected CRM), their touches and a note form show here.
      </p>
      <ul class="list small">
        {unmatched.map((candidate) => (
          <li key={candidate.key}>{describeKey(candidate.key)}</li>
        ))}
      </ul>
    </section>
  );
}

function CustomerPanel({
  match,
  view,
  context,
}: {
  match: TabMatch;
  view: CustomerView;
  context: CoordinationContext;
}) {
  const { customer } = view;
  const headingId = `customer-${customer.id}`;
  const details = [customer.company, customer.tier].filter(Boolean).join(' · ');
  const latest = view.latestByOthers ? [view.latestByOthers] : [];
  const recentTouch = headsUp(latest, context.me, context.windowHours, context.now);

  return (
    <article class="card stack customer" aria-labelledby={headingId}>
      <header>
        <h2 id={headingId}>{customer.name}</h2>
        {details && <p class="muted">{details}</p>}
        <p class="small muted">
          {describeMatch(match)}
          {match.focus && <span class="pill">on this page</span>}
        </p>
      </header>
      {/* A status region from the start, so a screen reader announces a heads-up arriving. */}
      <div class="heads-up-region" role="status">
        {recentTouch && <HeadsUpBanner headsUp={recentTouch} now={context.now} />}
      </div>
      <CustomerDetails view={view} context={context} />
    </article>
  );
}

/** What a card needs besides its customer: who the user is, who is on customers right now. */
interface CoordinationContext {
  me: Colleague | null;
  /** every watched customer's; each card picks its own */
  presence: PresenceView[];
  /** settings.coordinationWindowHours */
  windowHours: number;
  saveNote: (draft: NoteDraft) => Promise<void>;
  now: Date;
}

/** 'Priya Patel (Support) replied to a ticket 3 hours ago — "Refund for order 1182"'. */
function HeadsUpBanner({ headsUp, now }: { headsUp: HeadsUp; now: Date }) {
  const { colleague, engagement, verb, detail, restricted } = headsUp;
  return (
    <p class="heads-up small">
      <strong>{colleague.name}</strong> ({colleague.department}) {verb}{' '}
      <time dateTime={engagement.occurredAt} title={exactTime(engagement.occurredAt)}>
        {relativeTime(engagement.occurredAt, now)}
      </time>
      {detail && <> — “{detail}”</>}
      {restricted && <span class="restricted"> — details restricted</span>}
    </p>
  );
}

/** How often presence lines are re-checked: a row past its expiry goes without a new snapshot. */
const PRESENCE_TICK_MS = 5_000;

const PRESENCE_TEXT = {
  composing: 'is writing to this customer now',
  viewing: 'is viewing this customer',
} as const;

/** Colleagues on this customer right now, writing before viewing. */
function Presence({ rows }: { rows: PresenceView[] }) {
  const now = useNow(PRESENCE_TICK_MS);
  const current = currentPresence(rows, now);
  return (
    <ul class="list presence small" aria-live="polite" aria-label="Colleagues on this customer now">
      {current.map((row) => (
        <li key={row.colleagueId} class={`presence-${row.activity}`}>
          {row.colleague ? `${row.colleague.name} (${row.colleague.department})` : 'A colleague'}{' '}
          {PRESENCE_TEXT[row.activity]}
        </li>
      ))}
    </ul>
  );
}

/** Which departments touched the customer lately, and whom to ask first. */
function Coordination({ view, context }: { view: CustomerView; context: CoordinationContext }) {
  const { strip, suggestion } = view;
  // Nobody in 90 days: the colleagues list below says so once.
  if (strip.every((period) => period.departments.length === 0)) return null;
  return (
    <section class="coordination small" aria-label="Departments and whom to ask">
      <Strip strip={strip} now={context.now} />
      {suggestion && (
        <p class="suggestion">
          Ask <strong>{suggestion.colleague.name}</strong> ({suggestion.colleague.department}) first
          — {suggestion.reason}{' '}
          <time
            dateTime={suggestion.engagement.occurredAt}
            title={exactTime(suggestion.engagement.occurredAt)}
          >
            {relativeTime(suggestion.engagement.occurredAt, context.now)}
          </time>
        </p>
      )}
    </section>
  );
}

/** One line per period: "30 days  Support 2 · Sales 1". */
function Strip({ strip, now }: { strip: DepartmentStrip[]; now: Date }) {
  return (
    <dl class="strip">
      {strip.map(({ days, departments }) => (
        <div key={days} class="row">
          <dt class="muted">{days} days</dt>
          <dd class="grow">
            {departments.length === 0 ? (
              <span class="muted">no department</span>
            ) : (
              <ul class="chips">
                {departments.map(({ department, touches, lastTouch }) => (
                  <li
                    key={department}
                    class="pill"
                    title={`${touches === 1 ? '1 touch' : `${touches} touches`}, the latest ${relativeTime(lastTouch, now)}`}
                  >
                    {department} <span class="count">{touches}</span>
                  </li>
                ))}
              </ul>
            )}
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** Who is on the customer now and who engaged lately, the latest engagements and the note form. */
function CustomerDetails({ view, context }: { view: CustomerView; context: CoordinationContext }) {
  const [writing, setWriting] = useState(false);
  const { customer, departments, engagements } = view;
  const { saveNote, now } = context;
  const presence = context.presence.filter((row) => row.customerId === customer.id);
  return (
    <>
      <Presence rows={presence} />
      <Coordination view={view} context={context} />
      <section aria-label={`Colleagues who engaged in the last ${SUMMARY_DAYS} days`}>
        <h3>Colleagues · last {SUMMARY_DAYS} days</h3>
        <Departments departments={departments} now={now} />
      </section>
      <section aria-label="Latest engagements">
        <h3>Latest engagements</h3>
        <Engagements engagements={engagements} now={now} />
      </section>
      {writing ? (
        <NoteForm customerId={customer.id} save={saveNote} compact autoFocus />
      ) : (
        <button type="button" onClick={() => setWriting(true)}>
          Add a note
        </button>
      )}
    </>
  );
}

function Departments({ departments, now }: { departments: DepartmentTouches[]; now: Date }) {
  if (departments.length === 0) {
    return <p class="muted small">No colleague engaged in the last {SUMMARY_DAYS} days.</p>;
  }
  return (
    <ul class="list departments">
      {departments.map((department) => (
        <li key={department.department}>
          <p class="department">{department.department}</p>
          <ul class="list colleagues">
            {department.colleagues.map(({ colleague, lastTouch, count }) => (
              <li key={colleague.id} class="row">
                <span class="grow">
                  {colleague.name}
                  {colleague.title && <span class="muted small"> · {colleague.title}</span>}
                </span>
                <span class="muted small">
                  <time dateTime={lastTouch} title={exactTime(lastTouch)}>
                    {relativeTime(lastTouch, now)}
                  </time>
                  {' · '}
                  {count === 1 ? '1 touch' : `${count} touches`}
                </span>
              </li>
            ))}
          </ul>
        </li>
      ))}
    </ul>
  );
}

function Engagements({ engagements, now }: { engagements: EngagementRow[]; now: Date }) {
  if (engagements.length === 0) return <p class="muted small">No engagements yet.</p>;
  return (
    <ol class="list engagements">
      {engagements.map((engagement) => (
        <li key={engagement.id}>
          <p class="row small">
            <span class="pill">{CHANNEL_LABELS[engagement.channel]}</span>
            <span class="grow">{engagement.colleague?.name ?? 'A former colleague'}</span>
            <time
              class="muted"
              dateTime={engagement.occurredAt}
              title={exactTime(engagement.occurredAt)}
            >
              {relativeTime(engagement.occurredAt, now)}
            </time>
          </p>
          {engagement.topic && <p class="topic">{engagement.topic}</p>}
          {engagement.summary === null ? (
            <p class="muted restricted">Details restricted</p>
          ) : (
            <p class="summary">{engagement.summary}</p>
          )}
          {engagement.url && (
            <a href={engagement.url} target="_blank" rel="noopener noreferrer">
              Open in {engagement.source}
            </a>
          )}
        </li>
      ))}
    </ol>
  );
}
