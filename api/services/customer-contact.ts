import type { Client } from '@temporalio/client';
import { changedContactFields, type ContactField } from '../../domain/case/contact-change.js';
import type { Customer, Prisma, PrismaClient } from '../../prisma/client.js';
import { WorkflowNotFoundError } from '@temporalio/client';
import { correspondenceContactChangedSignal, correspondenceWorkflowId } from '../../workflows/correspondence-definitions.js';
import { contactChangedSignal, type CustomerContact } from '../../workflows/definitions.js';
import type { ContactChange, contactOutcomes } from '../schemas/customers.js';
import { caseWorkflowId } from './case-command.js';
import { contactFromRow } from './case-input.js';
import { type CaseFailureReporter, notUpdated, OPEN_STATUSES } from './case-updates.js';
import type { CaseOutcome } from './customer-pause.js';
import { inPool } from './in-pool.js';

interface Dependencies {
  readonly prisma: PrismaClient;
  readonly temporal: Client;
}

/** The columns a contact change writes; a field not in the request is left as it is, null clears it. */
function contactColumns(change: ContactChange): Prisma.CustomerUpdateInput {
  const address = change.postalAddress;
  return {
    ...(change.email !== undefined ? { billingEmail: change.email } : {}),
    ...(change.phone !== undefined ? { phone: change.phone } : {}),
    ...(address !== undefined
      ? {
          addressLine1: address?.line1 ?? null,
          addressLine2: address?.line2 ?? null,
          city: address?.city ?? null,
          region: address?.region ?? null,
          postalCode: address?.postalCode ?? null,
          country: address?.country ?? null,
        }
      : {}),
    ...(change.timezone !== undefined ? { timezone: change.timezone } : {}),
    ...(change.locale !== undefined ? { locale: change.locale } : {}),
  };
}

/**
 * Updates the customer's contact and tells every running case of the customer (the
 * `contactChanged` signal): each replaces its contact snapshot, so its next message goes to the
 * new address, and records in its audit log who changed which fields. Every open case is told
 * even when nothing changed, so a request sent again after a partial failure finishes the job
 * (a case that has the contact already records nothing). Null when there is no such customer.
 */
export async function changeCustomerContact(
  { prisma, temporal }: Dependencies,
  customerId: string,
  change: ContactChange,
  actor: string,
  failures: CaseFailureReporter,
): Promise<{ customer: Customer; changed: ContactField[]; cases: CaseOutcome<(typeof contactOutcomes)[number]>[] } | null> {
  const before = await prisma.customer.findUnique({ where: { id: customerId } });
  if (!before) return null;
  const customer = await prisma.customer.update({ where: { id: customerId }, data: contactColumns(change) });
  const contact = contactFromRow(customer);
  const invoices = await prisma.invoice.findMany({
    where: { customerId, status: { in: [...OPEN_STATUSES] } },
    select: { id: true, number: true, workflowId: true },
    orderBy: [{ dueDate: 'asc' }, { number: 'asc' }],
  });
  const cases = await inPool(invoices, 8, async (invoice): Promise<CaseOutcome<(typeof contactOutcomes)[number]>> => {
    const ref = { invoiceId: invoice.id, invoiceNumber: invoice.number };
    try {
      await temporal.workflow.getHandle(caseWorkflowId(invoice)).signal(contactChangedSignal, { contact, actor });
      return { ...ref, outcome: 'told' };
    } catch (error) {
      const outcome = notUpdated(error, invoice, failures);
      return { ...ref, outcome: outcome.kind === 'refused' ? 'failed' : outcome.kind, detail: outcome.detail };
    }
  });
  await tellCorrespondence(temporal, contact);
  return { customer, changed: changedContactFields(contactFromRow(before), contact), cases };
}

/** The customer's correspondence sends with the new contact from now on (messages already at the provider are gone). */
async function tellCorrespondence(temporal: Dependencies['temporal'], contact: CustomerContact): Promise<void> {
  try {
    await temporal.workflow.getHandle(correspondenceWorkflowId(contact.customerId)).signal(correspondenceContactChangedSignal, contact);
  } catch (error) {
    // No message was ever asked for this customer: its correspondence starts with the new contact.
    if (!(error instanceof WorkflowNotFoundError)) throw error;
  }
}
