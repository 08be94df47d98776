import { bluesky } from './bluesky';
import { facebook } from './facebook';
import { deferToSiteAdapters, generic } from './generic';
import { github } from './github';
import { gmail } from './gmail';
import { instagram } from './instagram';
import { linkedin } from './linkedin';
import { outlook } from './outlook';
import { reddit } from './reddit';
import type { SiteAdapter } from './types';
import { x } from './x';
import { youtube } from './youtube';

/**
 * Every site adapter, specific sites first. Each site has its own content script bundle (the
 * manifest injects it on that site's hosts); `generic`'s is registered at run time on the sites
 * the user enabled from the popup (src/background/sites.ts), never on a host listed here.
 */
export const ADAPTERS: readonly SiteAdapter[] = [
  gmail,
  outlook,
  linkedin,
  x,
  facebook,
  instagram,
  reddit,
  youtube,
  bluesky,
  github,
  generic,
];

/** The adapter made for this host, if there is one (generic is made for none). */
export function siteAdapterFor(hostname: string): SiteAdapter | undefined {
  return ADAPTERS.find((adapter) => adapter !== generic && adapter.runsOn(hostname));
}

deferToSiteAdapters((hostname) => siteAdapterFor(hostname) !== undefined);
