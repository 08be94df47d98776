import type { Candidate } from '../platform/messaging';

/** Roles that say more about who the page is about come first. */
const ROLE_RANK = ['profile', 'from', 'author', 'to', 'cc'];

function rank(role: string | undefined): number {
  const index = role ? ROLE_RANK.indexOf(role) : -1;
  return index === -1 ? ROLE_RANK.length : index;
}

/**
 * One candidate per key (a person met in several messages keeps their most telling role, and
 * focus or strong evidence from any sighting), the focus first, then strong before weak, then in
 * page order.
 */
export function mergeCandidates(found: Candidate[]): Candidate[] {
  const byKey = new Map<string, Candidate>();
  for (const candidate of found) {
    const seen = byKey.get(candidate.key);
    if (!seen) {
      byKey.set(candidate.key, { ...candidate });
      continue;
    }
    if (candidate.strength === 'strong') seen.strength = 'strong';
    if (candidate.focus) seen.focus = true;
    if (rank(candidate.role) < rank(seen.role)) seen.role = candidate.role;
  }
  const order = (candidate: Candidate) =>
    (candidate.focus ? 0 : 2) + (candidate.strength === 'strong' ? 0 : 1);
  return [...byKey.values()].sort((a, b) => order(a) - order(b));
}

/** Equal for equal candidate lists: the content script reports only when this changes. */
export function candidateSignature(candidates: Candidate[]): string {
  return candidates
    .map((c) => `${c.key}\u0000${c.strength}\u0000${c.role ?? ''}\u0000${c.focus ? 1 : 0}`)
    .join('\n');
}
