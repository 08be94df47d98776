import { gmail } from './gmail';
import { linkedin } from './linkedin';
import type { SiteAdapter } from './types';

/** Every site adapter; the content script runs the first one whose host matches. */
export const ADAPTERS: readonly SiteAdapter[] = [gmail, linkedin];

export function adapterFor(hostname: string): SiteAdapter | undefined {
  return ADAPTERS.find((adapter) => adapter.runsOn(hostname));
}
