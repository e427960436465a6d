import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * The custom search attributes operators filter collection cases by in the Temporal UI.
 * One definition, used by the workflow (upserts), the API (queries) and the dev-server
 * script (registration). The SQLite dev store allows per namespace at most 10 Keyword and
 * 3 each of Int, Double, Bool, Datetime and Text: this list stays inside those limits.
 */
export const searchAttributes = {
  stage: defineSearchAttributeKey('CollectionStage', SearchAttributeType.KEYWORD),
  customerId: defineSearchAttributeKey('CustomerId', SearchAttributeType.KEYWORD),
  invoiceId: defineSearchAttributeKey('InvoiceId', SearchAttributeType.KEYWORD),
  invoiceNumber: defineSearchAttributeKey('InvoiceNumber', SearchAttributeType.KEYWORD),
  currency: defineSearchAttributeKey('Currency', SearchAttributeType.KEYWORD),
  policyName: defineSearchAttributeKey('PolicyName', SearchAttributeType.KEYWORD),
  /** Amount still owed, integer minor units of `Currency`. */
  amountDueMinor: defineSearchAttributeKey('AmountDueMinor', SearchAttributeType.INT),
  dueDate: defineSearchAttributeKey('DueDate', SearchAttributeType.DATETIME),
  nextActionAt: defineSearchAttributeKey('NextActionAt', SearchAttributeType.DATETIME),
  disputed: defineSearchAttributeKey('Disputed', SearchAttributeType.BOOL),
  paused: defineSearchAttributeKey('Paused', SearchAttributeType.BOOL),
  inPaymentPlan: defineSearchAttributeKey('InPaymentPlan', SearchAttributeType.BOOL),
  /** Correspondence workflows: requests waiting to go out to the customer. */
  pendingMessages: defineSearchAttributeKey('PendingMessages', SearchAttributeType.INT),
  /** Correspondence workflows: messages sent in the last 7 days (what the contact caps count). */
  contactsLast7Days: defineSearchAttributeKey('ContactsLast7Days', SearchAttributeType.INT),
  /**
   * Correspondence workflows: the customer's invoices it speaks for (asked it at least once and not
   * closed yet). A Double only because the store's three Int slots are taken; it holds whole numbers.
   */
  openInvoices: defineSearchAttributeKey('OpenInvoices', SearchAttributeType.DOUBLE),
} as const;

export const allSearchAttributeKeys = Object.values(searchAttributes);
