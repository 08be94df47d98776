/**
 * The worker's copy of the server's configuration (GET /v1/config): the adapters an admin turned
 * off, kept in storage.local where the content script and the options page read and watch it.
 * The sync engine refreshes it at the start of every run (see sync.ts).
 */
import { getSettings, setSettings } from '../platform/settings';

export interface ServerConfigCache {
  /** the ETag of the cached answer, '' when there is none */
  tag(): Promise<string>;
  /** stores the list and its ETag in one write, so a crash cannot pair a new tag with an old list */
  save(config: { disabledAdapters: string[]; tag: string }): Promise<void>;
}

export const settingsConfigCache: ServerConfigCache = {
  tag: async () => (await getSettings('serverConfigTag')).serverConfigTag,
  save: ({ disabledAdapters, tag }) => setSettings({ disabledAdapters, serverConfigTag: tag }),
};
