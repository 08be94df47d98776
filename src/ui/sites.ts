/** The sites the content script supports, for the options page's switches. Grows per adapter. */
export interface SupportedSite {
  /** adapter id, the key in settings.sites */
  id: string;
  label: string;
  hosts: string;
}

export const SUPPORTED_SITES: readonly SupportedSite[] = [
  { id: 'gmail', label: 'Gmail', hosts: 'mail.google.com' },
  { id: 'linkedin', label: 'LinkedIn', hosts: 'www.linkedin.com' },
];
