/** The sites with an adapter of their own, for the options page's switches (one per adapter). */
export interface SupportedSite {
  /** adapter id, the key in settings.sites */
  id: string;
  label: string;
  hosts: string;
}

export const SUPPORTED_SITES: readonly SupportedSite[] = [
  { id: 'gmail', label: 'Gmail', hosts: 'mail.google.com' },
  { id: 'outlook', label: 'Outlook on the web', hosts: 'outlook.office.com, outlook.live.com' },
  { id: 'linkedin', label: 'LinkedIn', hosts: 'linkedin.com' },
  { id: 'x', label: 'X', hosts: 'x.com, twitter.com' },
  { id: 'facebook', label: 'Facebook', hosts: 'facebook.com' },
  { id: 'instagram', label: 'Instagram', hosts: 'instagram.com' },
  { id: 'reddit', label: 'Reddit', hosts: 'reddit.com' },
  { id: 'youtube', label: 'YouTube', hosts: 'youtube.com' },
  { id: 'bluesky', label: 'Bluesky', hosts: 'bsky.app' },
  { id: 'github', label: 'GitHub', hosts: 'github.com' },
];
