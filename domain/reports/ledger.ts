/**
 * The plain ledger every report reads: invoices and what happened to their balances, with dates
 * in UTC and money in integer minor units of the invoice's currency. Loaded in one place
 * (api/services/reports-data.ts); the reports never read anything else, and never the clock.
 */
export interface LedgerInvoice {
  readonly id: string;
  readonly number: string;
  readonly customerId: string;
  readonly customerName: string;
  readonly currency: string;
  /** YYYY-MM-DD (UTC calendar days). */
  readonly issueDate: string;
  readonly dueDate: string;
  readonly amountMinor: number;
}

/**
 * A change to an invoice's balance at an instant. `payment`, `credit` and `waiver` lower it by
 * their (positive) amount, `fee` raises it; `closed` (written off, cancelled) takes whatever is
 * left off the receivables.
 */
export interface LedgerMovement {
  readonly invoiceId: string;
  readonly kind: 'payment' | 'fee' | 'waiver' | 'credit' | 'closed';
  readonly amountMinor: number;
  /** ISO 8601 instant. */
  readonly at: string;
}

export type MessageChannel = 'email' | 'sms' | 'letter' | 'call_task';

/** A dunning message that went out (a ladder step or a prior notice). */
export interface LedgerMessage {
  readonly invoiceId: string;
  readonly channel: MessageChannel;
  readonly sentAt: string;
}

/** From the audit log: a promise to pay recorded, kept (the promised amount arrived) or broken (its day ended without it). */
export interface LedgerPromiseEvent {
  readonly invoiceId: string;
  readonly kind: 'made' | 'kept' | 'broken';
  readonly at: string;
}

export interface Ledger {
  readonly invoices: readonly LedgerInvoice[];
  readonly movements: readonly LedgerMovement[];
  readonly messages: readonly LedgerMessage[];
  readonly promiseEvents: readonly LedgerPromiseEvent[];
}

export const DAY_MS = 86_400_000;

/** Midnight UTC that starts the calendar day YYYY-MM-DD. */
export const dayStart = (day: string): number => Date.parse(`${day}T00:00:00Z`);
/** The first instant after the calendar day: "as of a day" means at its end. */
export const dayEnd = (day: string): number => dayStart(day) + DAY_MS;
export const addDays = (day: string, days: number): string => new Date(dayStart(day) + days * DAY_MS).toISOString().slice(0, 10);
export const daysBetween = (from: string, to: string): number => Math.round((dayStart(to) - dayStart(from)) / DAY_MS);

/** Every movement grouped by invoice, in time order. */
export function movementsByInvoice(movements: readonly LedgerMovement[]): ReadonlyMap<string, readonly LedgerMovement[]> {
  const grouped = new Map<string, LedgerMovement[]>();
  for (const movement of movements) {
    const list = grouped.get(movement.invoiceId) ?? [];
    list.push(movement);
    grouped.set(movement.invoiceId, list);
  }
  for (const list of grouped.values()) list.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  return grouped;
}

/**
 * What the customer owed on the invoice just before `instant` (epoch ms): nothing before the
 * invoice was issued, never below zero (an overpayment is not a negative receivable), nothing
 * once it was written off or cancelled.
 */
export function balanceBefore(invoice: LedgerInvoice, movements: readonly LedgerMovement[], instant: number): number {
  if (dayStart(invoice.issueDate) >= instant) return 0;
  let balance = invoice.amountMinor;
  for (const movement of movements) {
    if (Date.parse(movement.at) >= instant) break;
    if (movement.kind === 'closed') return 0;
    balance = Math.max(0, movement.kind === 'fee' ? balance + movement.amountMinor : balance - movement.amountMinor);
  }
  return balance;
}

/** Adds `amount` to the currency's entry of `totals`. */
export function addTo(totals: Map<string, number>, currency: string, amount: number): void {
  totals.set(currency, (totals.get(currency) ?? 0) + amount);
}

export const byCurrency = <T extends { readonly currency: string }>(a: T, b: T) => a.currency.localeCompare(b.currency);
