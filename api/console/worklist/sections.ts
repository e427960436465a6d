/** The worklist's sections, their rows, and the server-side filtering and sorting of them (no I/O). */

export const sectionKeys = ['calls', 'broken', 'promises', 'disputes', 'pauses', 'legal'] as const;
export type SectionKey = (typeof sectionKeys)[number];

export interface SectionSpec {
  readonly key: SectionKey;
  readonly title: string;
  /** What the row's `when` is, as the column heading says it. */
  readonly whenLabel: string;
  readonly empty: string;
  /** Most urgent first: oldest task, oldest break, earliest date. */
  readonly defaultDirection: SortDirection;
}

export const sections: readonly SectionSpec[] = [
  { key: 'calls', title: 'Call tasks due today', whenLabel: 'Task created', empty: 'No call task is waiting for an outcome.', defaultDirection: 'asc' },
  { key: 'broken', title: 'Broken promises', whenLabel: 'Broken', empty: 'No broken promise waits for a follow-up.', defaultDirection: 'asc' },
  { key: 'promises', title: 'Promises due', whenLabel: 'Promised for', empty: 'No promise to pay falls due within 7 days.', defaultDirection: 'asc' },
  { key: 'disputes', title: 'Open disputes', whenLabel: 'Opened', empty: 'No open dispute.', defaultDirection: 'asc' },
  { key: 'pauses', title: 'Pauses ending within 7 days', whenLabel: 'Pause ends', empty: 'No pause ends within 7 days.', defaultDirection: 'asc' },
  { key: 'legal', title: 'Entering legal next week', whenLabel: 'Hand-off', empty: 'No case reaches the legal hand-off within 7 days.', defaultDirection: 'asc' },
];

export interface WorkRow {
  readonly invoiceId: string;
  readonly invoiceNumber: string;
  readonly customerId: string;
  readonly customerName: string;
  readonly stage: string;
  /** Live balance from Temporal visibility, minor units of `currency`. */
  readonly balanceMinor: number;
  readonly currency: string;
  /** The section's date (see its `whenLabel`), ISO 8601: an instant, or a calendar date for promises. */
  readonly when: string;
  readonly detail: string;
}

export const sortFields = ['when', 'balance', 'customer', 'invoice'] as const;
export type SortField = (typeof sortFields)[number];
export type SortDirection = 'asc' | 'desc';

export interface SectionView {
  readonly field: SortField;
  readonly direction: SortDirection;
}

export interface WorklistFilters {
  /** Part of a customer's name or an invoice number, any case. */
  readonly text: string;
  /** ISO 4217, or '' for all. */
  readonly currency: string;
}

export interface WorklistQuery {
  readonly filters: WorklistFilters;
  readonly views: Readonly<Record<SectionKey, SectionView>>;
}

const isSortField = (value: string | undefined): value is SortField => sortFields.some((field) => field === value);

/** The page's query string → filters and each section's sort (`sort_<section>`, `dir_<section>`); anything unknown falls back to the default. */
export function parseWorklistQuery(query: Readonly<Record<string, string | undefined>>): WorklistQuery {
  const currency = (query.currency ?? '').trim().toUpperCase();
  const views = Object.fromEntries(
    sections.map((spec) => {
      const field = query[`sort_${spec.key}`];
      const direction = query[`dir_${spec.key}`];
      return [spec.key, { field: isSortField(field) ? field : 'when', direction: direction === 'asc' || direction === 'desc' ? direction : spec.defaultDirection }];
    }),
  ) as Record<SectionKey, SectionView>;
  return { filters: { text: (query.q ?? '').trim().slice(0, 100), currency: /^[A-Z]{3}$/.test(currency) ? currency : '' }, views };
}

/** The query string of the page with one section's sort changed (the filters and other sorts kept). */
export function queryWith(query: WorklistQuery, key: SectionKey, view: SectionView): string {
  const params = new URLSearchParams();
  if (query.filters.text) params.set('q', query.filters.text);
  if (query.filters.currency) params.set('currency', query.filters.currency);
  for (const spec of sections) {
    const current = spec.key === key ? view : query.views[spec.key];
    if (current.field !== 'when' || current.direction !== spec.defaultDirection) {
      params.set(`sort_${spec.key}`, current.field);
      params.set(`dir_${spec.key}`, current.direction);
    }
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

const compare: Record<SortField, (a: WorkRow, b: WorkRow) => number> = {
  // ISO 8601 strings in UTC sort as their instants.
  when: (a, b) => a.when.localeCompare(b.when),
  // Amounts in different currencies are compared as numbers of minor units: the filter by currency makes it exact.
  balance: (a, b) => a.balanceMinor - b.balanceMinor,
  customer: (a, b) => a.customerName.localeCompare(b.customerName),
  invoice: (a, b) => a.invoiceNumber.localeCompare(b.invoiceNumber),
};

export function filterAndSort(rows: readonly WorkRow[], filters: WorklistFilters, view: SectionView): WorkRow[] {
  const text = filters.text.toLowerCase();
  const kept = rows.filter((row) => (!filters.currency || row.currency === filters.currency) && (!text || row.customerName.toLowerCase().includes(text) || row.invoiceNumber.toLowerCase().includes(text)));
  const sign = view.direction === 'asc' ? 1 : -1;
  return kept.sort((a, b) => sign * compare[view.field](a, b) || a.invoiceNumber.localeCompare(b.invoiceNumber));
}
