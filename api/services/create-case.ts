import { type Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { defaultPolicy } from '../../domain/default-policy.js';
import { choosePolicy } from '../../domain/policy-selection.js';
import type { InvoiceStatus, PrismaClient } from '../../prisma/client.js';
import type { collectionWorkflow } from '../../workflows/collection-workflow.js';
import { collectionWorkflowId, collectionWorkflowType } from '../../workflows/definitions.js';
import type { CreateInvoice } from '../schemas/invoice.js';
import { caseWorkflowId } from './case-command.js';
import { caseInputFromRows } from './case-input.js';
import { activeCustomerPause, casePauseCommand, holdNewCaseForCustomerPause } from './customer-pause.js';
import { isClosedStatus } from './closed-case.js';
import { policyFromRow } from './policy-from-row.js';

export type CreateCaseOutcome =
  | { readonly kind: 'created' | 'existing'; readonly invoiceId: string; readonly workflowId: string; readonly invoiceStatus: InvoiceStatus; readonly balanceMinor: bigint }
  | { readonly kind: 'unknown_policy'; readonly field: string; readonly ref: string }
  | { readonly kind: 'conflict'; readonly invoiceId: string; readonly fields: string[] };

interface Dependencies {
  readonly prisma: PrismaClient;
  readonly temporal: Client;
  readonly taskQueue: string;
}

/** What identifies the invoice's content: the same external id with any of these different is a conflict. */
function differingFields(existing: { number: string; issueDate: Date; dueDate: Date; amountMinor: bigint; currency: string; paymentLink: string | null; customer: { externalId: string } }, body: CreateInvoice): string[] {
  const fields: string[] = [];
  if (existing.number !== body.number) fields.push('number');
  if (existing.customer.externalId !== body.customer.externalId) fields.push('customer.externalId');
  if (existing.issueDate.toISOString().slice(0, 10) !== body.issueDate) fields.push('issueDate');
  if (existing.dueDate.toISOString().slice(0, 10) !== body.dueDate) fields.push('dueDate');
  if (existing.amountMinor !== BigInt(body.amountMinor)) fields.push('amountMinor');
  if (existing.currency !== body.currency) fields.push('currency');
  if ((existing.paymentLink ?? undefined) !== body.paymentLink) fields.push('paymentLink');
  return fields;
}

/**
 * Creates the invoice (upserting its customer) and starts its collection workflow. The same
 * invoice sent again returns the existing case; the same external id with other content is a
 * conflict naming the fields. Safe to call concurrently and to retry after a crash: the database
 * row and the workflow id are both unique, and a start that finds the workflow running is fine.
 *
 * A case that has ended is never started again. The invoice row decides first (it outlives the
 * run, which Temporal forgets after its retention period); the start refuses any earlier run of
 * the id as well (REJECT_DUPLICATE), which covers a case that ended after the row was read.
 */
export async function createCase({ prisma, temporal, taskQueue }: Dependencies, body: CreateInvoice, actor: string): Promise<CreateCaseOutcome> {
  const c = body.customer;
  const findPolicy = (ref: { name: string; version: number } | undefined) => (ref ? prisma.collectionPolicy.findUnique({ where: { name_version: ref } }) : Promise.resolve(null));
  const [invoicePolicy, customerPolicy] = await Promise.all([findPolicy(body.policy), findPolicy(c.policy)]);
  if (body.policy && !invoicePolicy) return { kind: 'unknown_policy', field: 'policy', ref: `${body.policy.name}@${body.policy.version}` };
  if (c.policy && !customerPolicy) return { kind: 'unknown_policy', field: 'customer.policy', ref: `${c.policy.name}@${c.policy.version}` };
  const customerData = {
    name: c.name,
    billingEmail: c.email ?? null,
    phone: c.phone ?? null,
    addressLine1: c.postalAddress?.line1 ?? null,
    addressLine2: c.postalAddress?.line2 ?? null,
    city: c.postalAddress?.city ?? null,
    region: c.postalAddress?.region ?? null,
    postalCode: c.postalAddress?.postalCode ?? null,
    country: c.postalAddress?.country ?? null,
    timezone: c.timezone,
    locale: c.locale,
    tier: c.tier ?? null,
    ...(customerPolicy ? { policyId: customerPolicy.id } : {}),
  };
  // Insert-or-ignore, then update: unlike Prisma's upsert this cannot fail when two requests
  // bring the same new customer at the same moment (ON CONFLICT DO NOTHING underneath).
  const customerKey = { source_externalId: { source: body.source, externalId: c.externalId } };
  await prisma.customer.createMany({ data: [{ source: body.source, externalId: c.externalId, ...customerData }], skipDuplicates: true });
  const customer = await prisma.customer.update({ where: customerKey, data: customerData, include: { policy: true } });

  const key = { source_externalId: { source: body.source, externalId: body.externalId } };
  let invoice = await prisma.invoice.findUnique({ where: key, include: { customer: true, policy: true } });
  let created = false;
  if (!invoice) {
    try {
      const id = crypto.randomUUID();
      invoice = await prisma.invoice.create({
        data: {
          id,
          source: body.source,
          externalId: body.externalId,
          number: body.number,
          customerId: customer.id,
          issueDate: new Date(`${body.issueDate}T00:00:00Z`),
          dueDate: new Date(`${body.dueDate}T00:00:00Z`),
          amountMinor: BigInt(body.amountMinor),
          balanceMinor: BigInt(body.amountMinor),
          currency: body.currency,
          paymentLink: body.paymentLink ?? null,
          policyId: invoicePolicy?.id ?? null,
          workflowId: collectionWorkflowId(id),
        },
        include: { customer: true, policy: true },
      });
      created = true;
    } catch (error) {
      // Another request created it between our read and our insert: treat it like a repeat.
      if ((error as { code?: string }).code !== 'P2002') throw error;
      invoice = await prisma.invoice.findUniqueOrThrow({ where: key, include: { customer: true, policy: true } });
    }
  }
  if (!created) {
    const fields = differingFields(invoice, body);
    if (fields.length > 0) return { kind: 'conflict', invoiceId: invoice.id, fields };
  }

  const existingAnswer = { kind: 'existing', invoiceId: invoice.id, workflowId: caseWorkflowId(invoice), invoiceStatus: invoice.status, balanceMinor: invoice.balanceMinor } as const;
  if (!created && isClosedStatus(invoice.status)) return existingAnswer;

  const storedDefault = await prisma.collectionPolicy.findFirst({ where: { isDefault: true }, orderBy: { createdAt: 'desc' } });
  const policy = choosePolicy({
    invoice: invoice.policy ? policyFromRow(invoice.policy) : null,
    customer: customer.policy ? policyFromRow(customer.policy) : null,
    fallback: storedDefault ? policyFromRow(storedDefault) : defaultPolicy,
  });
  const workflowId = caseWorkflowId(invoice);
  // Read after the invoice row exists: a customer pause taken from now on lists this invoice.
  const customerPause = await activeCustomerPause(prisma, customer.id);
  let started = true;
  try {
    await temporal.workflow.start<typeof collectionWorkflow>(collectionWorkflowType, {
      workflowId,
      taskQueue,
      args: [{ ...caseInputFromRows(invoice, invoice.customer, policy), ...(customerPause ? { startPaused: casePauseCommand(customerPause, customerPause.pausedBy) } : {}) }],
      staticSummary: `Collect invoice ${invoice.number} from ${invoice.customer.name}`,
      staticDetails: `Created by ${actor}; policy ${policy.name}@${policy.version}; source ${body.source}/${body.externalId}`,
      // The SDK's default (ALLOW_DUPLICATE) would start a fresh ladder once the first run closed.
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    started = false;
  }
  if (started) await holdNewCaseForCustomerPause({ prisma, temporal }, invoice, customer.id, customerPause);
  return created ? { ...existingAnswer, kind: 'created' } : existingAnswer;
}
