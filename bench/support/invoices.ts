// Invoice bodies as an ERP would POST them, and the workflow input the API would start for one,
// so the raw reference starts the same workflow with the same input.
import { randomUUID } from 'node:crypto';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import type { Client } from '@temporalio/client';
import { caseInputFromRows } from '../../api/services/case-input.js';
import { defaultPolicy } from '../../domain/default-policy.js';
import type { CollectionPolicy } from '../../domain/policy.js';
import { isoDay } from '../../test/support/clock.js';
import { collectionWorkflowId, collectionWorkflowType } from '../../workflows/definitions.js';

export interface InvoiceBody {
  source: string;
  externalId: string;
  number: string;
  customer: { externalId: string; name: string; email: string; phone: string; postalAddress: { line1: string; city: string; postalCode: string; country: string }; timezone: string; locale: string };
  issueDate: string;
  dueDate: string;
  amountMinor: number;
  currency: string;
  paymentLink: string;
  policy?: { name: string; version: number };
}

/** A new invoice of a new customer, due in 30 days (its first step is weeks away). */
export function invoiceBody(overrides: Partial<InvoiceBody> = {}): InvoiceBody {
  const suffix = randomUUID().slice(0, 13);
  return {
    source: 'bench-erp',
    externalId: `INV-${suffix}`,
    number: `N-${suffix}`,
    customer: {
      externalId: `CUST-${suffix}`,
      name: 'Acme Wholesale Ltd',
      email: 'ap@acme.example',
      phone: '+442071234567',
      postalAddress: { line1: '1 High Street', city: 'London', postalCode: 'EC1A 1AA', country: 'GB' },
      timezone: 'Europe/London',
      locale: 'en-GB',
    },
    issueDate: isoDay(-30),
    dueDate: isoDay(30),
    amountMinor: 125_000,
    currency: 'GBP',
    paymentLink: 'https://pay.example/x',
    ...overrides,
  };
}

/** What `createCase` starts for a body, with the options it starts it with: the raw reference. */
export function rawStart(client: Client, taskQueue: string, body: InvoiceBody, policy: CollectionPolicy = defaultPolicy) {
  const id = randomUUID();
  const c = body.customer;
  const invoice = { id, number: body.number, amountMinor: BigInt(body.amountMinor), balanceMinor: BigInt(body.amountMinor), currency: body.currency, dueDate: new Date(`${body.dueDate}T00:00:00Z`), paymentLink: body.paymentLink };
  const customer = { id: randomUUID(), name: c.name, billingEmail: c.email, phone: c.phone, addressLine1: c.postalAddress.line1, addressLine2: null, city: c.postalAddress.city, region: null, postalCode: c.postalAddress.postalCode, country: c.postalAddress.country, timezone: c.timezone, locale: c.locale };
  return client.workflow.start(collectionWorkflowType, {
    workflowId: collectionWorkflowId(id),
    taskQueue,
    args: [caseInputFromRows(invoice, customer, policy)],
    staticSummary: `Collect invoice ${body.number} from ${c.name}`,
    staticDetails: `Created by bench; policy ${policy.name}@${policy.version}; source ${body.source}/${body.externalId}`,
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
  });
}

/** Runs `work` over `items` with at most `limit` in flight. */
export async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}
