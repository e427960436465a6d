/** The activity signatures the workflow calls; implemented in activities/, proxied in workflows/. */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface CollectionEventRecord {
  readonly invoiceId: string;
  /** Deterministic: a retry or a replay writes the same row, never a second one. */
  readonly idempotencyKey: string;
  /** action: a step the workflow took; signal: something it received; system: its own bookkeeping. */
  readonly category: 'action' | 'signal' | 'system';
  readonly kind: string;
  readonly actor: string;
  /** UTC instant, ISO 8601. */
  readonly occurredAt: string;
  readonly details: { [key: string]: JsonValue };
}

export interface CollectionActivities {
  recordCollectionEvent(event: CollectionEventRecord): Promise<{ created: boolean }>;
}
