// Invoice bodies as an ERP would POST them, and the workflow input the API would start for one,
// so the raw reference starts the same workflow with the same input.
import { randomUUID } from 'node:crypto';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import type { Client } from '@temporalio/client';
import { caseInputFromRows } from '../../api/services/case-input.js';
import { defaultPolicy } from '../../domain/default-policy.js';
import type { CollectionPolicy } from '../../domain/policy.js';
import { type InvoiceBody, invoiceBody as testInvoiceBody } from '../../test/support/invoice-body.js';
import type { Stack } from './stack.js';

export type { InvoiceBody };
import { identityAttributes } from '../../workflows/case-attributes.js';
import { collectionWorkflowId, collectionWorkflowType } from '../../workflows/definitions.js';


/** A new invoice of a new customer, due in 30 days (its first step is weeks away). */
export function invoiceBody(overrides: Partial<InvoiceBody> = {}): InvoiceBody {
  return testInvoiceBody({ source: 'bench-erp', ...overrides });
}

/** What `createCase` starts for a body, with the options it starts it with: the raw reference. */
export function rawStart(client: Client, taskQueue: string, body: InvoiceBody, policy: CollectionPolicy = defaultPolicy) {
  const id = randomUUID();
  const c = body.customer;
  const invoice = { id, number: body.number, amountMinor: BigInt(body.amountMinor), balanceMinor: BigInt(body.amountMinor), currency: body.currency, dueDate: new Date(`${body.dueDate}T00:00:00Z`), paymentLink: body.paymentLink };
  const customer = { id: randomUUID(), name: c.name, billingEmail: c.email, phone: c.phone, addressLine1: c.postalAddress.line1, addressLine2: null, city: c.postalAddress.city, region: null, postalCode: c.postalAddress.postalCode, country: c.postalAddress.country, timezone: c.timezone, locale: c.locale };
  const input = caseInputFromRows(invoice, customer, policy);
  return client.workflow.start(collectionWorkflowType, {
    workflowId: collectionWorkflowId(id),
    taskQueue,
    args: [input],
    // The API starts every case with its identity attributes: the server pays for indexing them on both sides.
    typedSearchAttributes: identityAttributes(input),
    staticSummary: `Collect invoice ${body.number} from ${c.name}`,
    staticDetails: `Created by bench; policy ${policy.name}@${policy.version}; source ${body.source}/${body.externalId}`,
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
  });
}

/**
 * POST /v1/invoices/bulk of every body (in calls of at most 5,000, the schema's limit); throws
 * unless every row was created. `resendFailed`: rows answered `failed` (a server-side error) are
 * sent again, up to three times, as the API tells a client to; then `existing` counts as done too.
 */
export async function bulkImport(stack: Pick<Stack, 'api'>, bodies: readonly InvoiceBody[], { resendFailed = false } = {}): Promise<void> {
  const maxPerCall = 5_000;
  for (let i = 0; i < bodies.length; i += maxPerCall) {
    let batch = bodies.slice(i, i + maxPerCall);
    for (let attempt = 0; ; attempt++) {
      const { status, body } = await stack.api('POST', '/v1/invoices/bulk', { invoices: batch });
      const { summary, results } = body as { summary?: Record<string, number>; results?: { index: number; status: string }[] };
      const done = (summary?.created ?? 0) + (attempt > 0 ? (summary?.existing ?? 0) : 0);
      if (status === 200 && done === batch.length) break;
      const failed = results?.filter((r) => r.status === 'failed') ?? [];
      if (status !== 200 || !resendFailed || attempt === 3 || done + failed.length !== batch.length) throw new Error(`bulk import answered ${status}: ${JSON.stringify(summary ?? body)}`);
      console.log(`  bulk import: ${failed.length} rows failed, sending them again`);
      batch = failed.map((r) => batch[r.index]!);
    }
  }
}

/** Runs `work` over `items` with at most `limit` in flight. */
export async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}
