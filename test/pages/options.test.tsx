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

  const linkedin = await waitFor(() => byLabel(root, 'LinkedIn (www.linkedin.com)'));
  expect(linkedin.checked).toBe(true);
  linkedin.click();
  await waitFor(() => expect(fake.local.get('sites')).toEqual({ linkedin: false }));

  button(root, 'Sign out').click();
  await waitForText(root, 'Signed out');
  expect(send).toHaveBeenCalledWith('signOut');
});
