import { dayEnd, dayStart, type Ledger } from './ledger.js';

export interface PromisesReport {
  readonly from: string;
  readonly to: string;
  /** Promises recorded in the period. */
  readonly made: number;
  readonly kept: number;
  readonly broken: number;
  /** Neither kept nor broken by the end of `to`: still running, replaced by a later promise, or the case ended otherwise. */
  readonly unresolved: number;
  /** kept ÷ (kept + broken), to three decimals; null when none was kept or broken yet. */
  readonly keptRatio: number | null;
}

/**
 * Promises to pay recorded from `from` through `to` (UTC days) and how each ended by the end of
 * `to`: the first kept or broken event of the same invoice after the promise, before any later
 * promise of that invoice, decides it.
 */
export function promisesReport(ledger: Ledger, from: string, to: string): PromisesReport {
  const start = dayStart(from);
  const end = dayEnd(to);
  const byInvoice = new Map<string, { kind: 'made' | 'kept' | 'broken'; at: number }[]>();
  for (const event of ledger.promiseEvents) {
    const at = Date.parse(event.at);
    if (at >= end) continue;
    const list = byInvoice.get(event.invoiceId) ?? [];
    list.push({ kind: event.kind, at });
    byInvoice.set(event.invoiceId, list);
  }
  let made = 0;
  let kept = 0;
  let broken = 0;
  for (const events of byInvoice.values()) {
    events.sort((a, b) => a.at - b.at);
    events.forEach((event, index) => {
      if (event.kind !== 'made' || event.at < start) return;
      made += 1;
      const outcome = events[index + 1];
      if (outcome?.kind === 'kept') kept += 1;
      if (outcome?.kind === 'broken') broken += 1;
    });
  }
  const resolved = kept + broken;
  return { from, to, made, kept, broken, unresolved: made - resolved, keptRatio: resolved === 0 ? null : Math.round((kept / resolved) * 1000) / 1000 };
}
