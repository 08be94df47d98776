/**
 * The one module that imports webextension-polyfill. Its upstream has stopped development, so
 * everything else goes through here and the dependency can be dropped in one place.
 */
import browser from 'webextension-polyfill';

export type { Runtime, Storage, Tabs } from 'webextension-polyfill';
export { browser };
