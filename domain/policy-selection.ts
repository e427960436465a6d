import type { CollectionPolicy } from './policy.js';

/** The policy a case follows: the invoice's own, else its customer's, else the default. */
export function choosePolicy(candidates: { invoice?: CollectionPolicy | null; customer?: CollectionPolicy | null; fallback: CollectionPolicy }): CollectionPolicy {
  return candidates.invoice ?? candidates.customer ?? candidates.fallback;
}
