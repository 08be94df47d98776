export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size)
    out.push(items.slice(start, start + size));
  return out;
}

/** ISO-8601 UTC with milliseconds, so stored timestamps sort as text. */
export function toUtc(timestamp: string): string {
  return new Date(timestamp).toISOString();
}
