/** "just now", "5 minutes ago", "3 hours ago", "yesterday", "12 days ago", then a date. */
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto', style: 'long' });
const dateOnly = new Intl.DateTimeFormat('en', { dateStyle: 'medium' });

export function relativeTime(iso: string, now: Date = new Date()): string {
  const then = new Date(iso);
  const elapsed = now.getTime() - then.getTime();
  // A clock a little ahead of ours still reads "just now", not "in 2 min".
  if (elapsed < MINUTE) return 'just now';
  if (elapsed < HOUR) return relative.format(-Math.floor(elapsed / MINUTE), 'minute');
  if (elapsed < DAY) return relative.format(-Math.floor(elapsed / HOUR), 'hour');
  if (elapsed < 30 * DAY) return relative.format(-Math.floor(elapsed / DAY), 'day');
  return dateOnly.format(then);
}

/** The exact time, for a tooltip next to a relative one. */
export function exactTime(iso: string): string {
  return new Date(iso).toLocaleString();
}
