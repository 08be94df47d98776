import { afterAll, beforeAll, expect, test } from 'vitest';
import { type Harness, hasContentScript, pageDomText, startHarness } from './harness';

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness();
});

afterAll(async () => {
  await harness?.close();
});

test('the built extension loads, its worker starts and the content script runs on the real Gmail URL', async () => {
  const profile = await harness.launch('smoke');
  expect(profile.extensionId).toMatch(/^[a-p]{32}$/);
  expect(await profile.serviceWorker.evaluate(() => chrome.runtime.getManifest().name)).toBe(
    'Touchbase',
  );

  const url = 'https://mail.google.com/mail/u/0/#inbox/FMfcgzQbdrLRvKnWtjvNcCqPwzzHtBbc';
  harness.sites.serve(url, '<!doctype html><title>Inbox</title><div role="main">Inbox</div>');
  const page = await profile.context.newPage();
  const response = await page.goto(url);
  expect(response?.status()).toBe(200);
  expect(new URL(page.url()).host).toBe('mail.google.com');

  await expect.poll(() => hasContentScript(page, profile), { timeout: 10_000 }).toBe(true);
  // A page that is not a site the extension knows gets no content script.
  const other = 'https://www.example-customer.test/';
  harness.sites.serve(other, '<!doctype html><title>Other</title>');
  const otherPage = await profile.context.newPage();
  await otherPage.goto(other);
  expect(await hasContentScript(otherPage, profile)).toBe(false);

  // Nothing of ours in the host page without a customer on it.
  expect(await pageDomText(page)).not.toMatch(/touchbase/i);
  expect(profile.errors).toEqual([]);
});
