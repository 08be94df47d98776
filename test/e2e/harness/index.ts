import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchProfile, type Profile } from './browser';
import { createCertificate } from './certificate';
import { SITE_HOSTS, type SiteServer, startSiteServer } from './sites';

export * from './browser';
export * from './pages';
export * from './sites';

export interface Harness {
  sites: SiteServer;
  /** Launches a browser profile (one colleague's browser) with the extension loaded. */
  launch(profileName: string): Promise<Profile>;
  /** Closes every profile and the site server, and deletes the temp folder. */
  close(): Promise<void>;
}

/** The fixture sites over HTTPS plus a way to launch browser profiles that use them. */
export async function startHarness(): Promise<Harness> {
  const tempDir = await mkdtemp(join(tmpdir(), 'touchbase-e2e-'));
  const certificate = await createCertificate(tempDir, SITE_HOSTS);
  const sites = await startSiteServer(certificate);
  const profiles: Profile[] = [];
  return {
    sites,
    async launch(profileName) {
      const profile = await launchProfile(profileName, {
        tempDir,
        sitePort: sites.port,
        siteHosts: SITE_HOSTS,
      });
      profiles.push(profile);
      return profile;
    },
    async close() {
      await Promise.allSettled(profiles.map((profile) => profile.close()));
      await sites.stop();
      await rm(tempDir, { recursive: true, force: true });
    },
  };
}
