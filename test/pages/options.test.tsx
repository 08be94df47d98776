// @vitest-environment happy-dom
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { db } from '../../src/cache/db';
import { Options } from '../../src/options/Options';
import { type ConnectResult, sendMessage } from '../../src/platform/messaging';
import { button, byLabel, mount, type, waitFor, waitForText } from './dom';
import { type FakeChrome, installFakeChrome } from './fake-chrome';
import { COLLEAGUES, resetDb } from './seed';

vi.mock('../../src/platform/messaging', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../src/platform/messaging')>()),
  sendMessage: vi.fn(),
}));
const send = vi.mocked(sendMessage);

let fake: FakeChrome;
let unmount: (() => void) | undefined;

function answerConnect(result: ConnectResult) {
  send.mockImplementation((async (type: string) => {
    if (type === 'connect') return result;
    return undefined;
  }) as typeof sendMessage);
}

function render() {
  const mounted = mount(<Options />);
  unmount = mounted.unmount;
  return mounted.root;
}

async function fillAndConnect(root: HTMLElement, url: string, token: string) {
  const urlField = await waitFor(() => byLabel(root, 'Server URL'));
  type(urlField, url);
  type(byLabel(root, 'Access token'), token);
  await waitFor(() => expect(byLabel(root, 'Access token').value).toBe(token));
  button(root, 'Connect').click();
}

beforeEach(async () => {
  fake = installFakeChrome();
  send.mockReset();
  await resetDb(db());
});
afterEach(() => unmount?.());

test('connects with the labelled fields and says as whom', async () => {
  answerConnect({ ok: true, colleagueName: 'Priya Patel' });
  const root = render();
  await fillAndConnect(root, ' https://touchbase.test ', 'secret-token');
  await waitForText(root, 'Connected as Priya Patel');
  expect(send).toHaveBeenCalledWith('connect', {
    serverUrl: 'https://touchbase.test',
    token: 'secret-token',
  });
  expect(byLabel(root, 'Access token').type).toBe('password');
});

test.each([
  ['unreachable', 'Could not reach the server'],
  ['bad_token', 'does not accept this access token'],
  ['not_touchbase', 'not a Touchbase server'],
] as const)('explains a %s failure', async (code, advice) => {
  answerConnect({ ok: false, code, message: 'details from the worker' });
  const root = render();
  await fillAndConnect(root, 'https://touchbase.test', 'tok');
  await waitFor(() => expect(root.querySelector('[role="alert"]')?.textContent).toContain(advice));
  expect(root.textContent).toContain('details from the worker');
  expect(root.textContent).not.toContain('Connected as');
});

test('connected: sync status, Sync now, per-site switches and sign out', async () => {
  await fake.set('local', { serverUrl: 'https://touchbase.test', token: 'tok' });
  await db().setMeta('me', COLLEAGUES[0] as (typeof COLLEAGUES)[number]);
  await db().setMeta('sync', {
    state: 'syncing',
    rowsSoFar: 2500,
    initial: true,
    lastError: 'server answered 503',
  });
  send.mockResolvedValue(undefined);
  const root = render();
  await waitForText(root, 'Connected as Priya Patel');
  await waitForText(root, 'First sync: 2,500 rows so far');
  expect(root.textContent).toContain('server answered 503');

  button(root, 'Sync now').click();
  expect(send).toHaveBeenCalledWith('syncNow');

  const linkedin = await waitFor(() => byLabel(root, 'LinkedIn (linkedin.com)'));
  expect(linkedin.checked).toBe(true);
  linkedin.click();
  await waitFor(() => expect(fake.local.get('sites')).toEqual({ linkedin: false }));

  button(root, 'Sign out').click();
  await waitForText(root, 'Signed out');
  expect(send).toHaveBeenCalledWith('signOut');
});

test('a site an administrator turned off shows so, with its switch disabled, live', async () => {
  await fake.set('local', { sites: { gmail: false }, disabledAdapters: ['linkedin'] });
  const root = render();
  const linkedin = await waitFor(() => byLabel(root, 'LinkedIn (linkedin.com)'));
  expect(linkedin.disabled).toBe(true);
  expect(linkedin.checked).toBe(false);
  const note = root.ownerDocument.getElementById(linkedin.getAttribute('aria-describedby') ?? '');
  expect(note?.textContent).toBe('Turned off by your administrator');
  // the user's own switches are untouched
  const gmail = byLabel(root, 'Gmail (mail.google.com)');
  expect(gmail).toMatchObject({ disabled: false, checked: false });
  expect(root.textContent?.match(/Turned off by your administrator/g)).toHaveLength(1);

  // The worker caches a new list from the server: the page follows without a reload.
  await fake.set('local', { disabledAdapters: [] });
  await waitFor(() => expect(linkedin.disabled).toBe(false));
  expect(linkedin.checked).toBe(true);
  expect(root.textContent).not.toContain('Turned off by your administrator');
});

test('sites enabled from the popup are listed, removable, and follow changes made elsewhere', async () => {
  fake.granted.add('https://www.example-customer.test/*');
  fake.granted.add('http://crm.intranet.test/*');
  const root = render();
  const list = () => [...root.querySelectorAll('.enabled-sites li')].map((li) => li.textContent);
  await waitFor(() =>
    expect(list()).toEqual([
      'http://crm.intranet.test' + 'Remove',
      'https://www.example-customer.test' + 'Remove',
    ]),
  );

  (root.querySelector('[aria-label="Remove http://crm.intranet.test"]') as HTMLElement).click();
  await waitFor(() => expect(list()).toEqual(['https://www.example-customer.test' + 'Remove']));
  expect(fake.granted).toEqual(new Set(['https://www.example-customer.test/*']));

  // Granted from the popup while the options page is open.
  await chrome.permissions.request({ origins: ['https://app.example-crm.test/*'] });
  await waitFor(() => expect(list()).toHaveLength(2));
});

test('no site enabled yet: how to add one; name matching on them is off until turned on', async () => {
  const root = render();
  await waitForText(root, 'None yet.');
  expect(root.textContent).toContain('Enable Touchbase on this site');
  const names = byLabel(root, 'Also look for customer names on sites I enable');
  expect(names.checked).toBe(false);
  names.click();
  await waitFor(() => expect(fake.local.get('genericMentions')).toBe(true));
});

test('coordination: the heads-up window is saved when valid and explained when not', async () => {
  const root = render();
  const hours = await waitFor(() => byLabel(root, 'Coordination window (hours)'));
  expect(hours.value).toBe('48');
  expect(hours).toMatchObject({ type: 'number', min: '1', max: '720' });

  type(hours, '72');
  await waitFor(() => expect(fake.local.get('coordinationWindowHours')).toBe(72));
  expect(root.querySelector('[role="alert"]')).toBeNull();

  for (const bad of ['0', '721', '4.5', '']) {
    type(hours, bad);
    await waitFor(() =>
      expect(root.querySelector('[role="alert"]')?.textContent).toBe(
        'Enter a whole number of hours from 1 to 720 (30 days).',
      ),
    );
    expect(hours.getAttribute('aria-invalid')).toBe('true');
    expect(fake.local.get('coordinationWindowHours')).toBe(72);
  }

  type(hours, '24');
  await waitFor(() => expect(fake.local.get('coordinationWindowHours')).toBe(24));
  expect(root.querySelector('[role="alert"]')).toBeNull();
});

test('coordination: presence sharing is on by default, says what is shared, and turns off', async () => {
  const root = render();
  const share = await waitFor(() => byLabel(root, 'Share my presence'));
  expect(share.checked).toBe(true);
  const hint = root.ownerDocument.getElementById(share.getAttribute('aria-describedby') ?? '');
  expect(hint?.textContent).toContain(
    'Only the customer and the activity are sent, never page text.',
  );
  share.click();
  await waitFor(() => expect(fake.local.get('sharePresence')).toBe(false));
});
