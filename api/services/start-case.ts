import { type Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { type Priority, WorkflowIdReusePolicy } from '@temporalio/common';
import { defaultPolicy } from '../../domain/default-policy.js';
import type { CollectionPolicy } from '../../domain/policy.js';
import { choosePolicy } from '../../domain/policy-selection.js';
import type { CustomerPause, PrismaClient } from '../../prisma/client.js';
import type { collectionWorkflow } from '../../workflows/collection-workflow.js';
import { identityAttributes } from '../../workflows/case-attributes.js';
import { collectionWorkflowType } from '../../workflows/definitions.js';
import { caseWorkflowId } from './case-command.js';
import { caseInputFromRows, type CustomerRow, type InvoiceRow } from './case-input.js';
import { casePauseCommand } from './customer-pause-command.js';
import { storedPolicies } from './policy-cache.js';

/** Which stored policy versions apply to a case (ids; null where none is set). */
export interface PolicyIds {
  readonly invoice: string | null;
  readonly customer: string | null;
  readonly storedDefault: string | null;
}

/** The policy a case runs: the invoice's, else its customer's, else the stored default, else the built-in one. */
export async function casePolicy(prisma: PrismaClient, ids: PolicyIds): Promise<CollectionPolicy> {
  const policies = storedPolicies(prisma);
  const policyOf = async (id: string | null): Promise<CollectionPolicy | null> => (id ? (await policies.get(id)).policy : null);
  const [invoice, customer, storedDefault] = await Promise.all([policyOf(ids.invoice), policyOf(ids.customer), policyOf(ids.storedDefault)]);
  return choosePolicy({ invoice, customer, fallback: storedDefault ?? defaultPolicy });
}

export interface CaseToStart {
  readonly invoice: InvoiceRow & { readonly workflowId: string | null; readonly source: string; readonly externalId: string };
  readonly customer: CustomerRow;
  readonly policy: CollectionPolicy;
  /** The customer's pause in force: the case starts paused by it. */
  readonly pause: CustomerPause | null;
  /** Who starts it, for the workflow's details in the Temporal UI ("Created by …"). */
  readonly startedBy: string;
  readonly priority?: Priority;
}

/**
 * Starts an invoice's collection workflow; 'running_already' when its id has a run (this one's,
 * started by another request, or one that ended: REJECT_DUPLICATE never starts a case twice).
 * Used by the create and by a customer's pause that finds a case its create has not started yet.
 */
export async function startCase(temporal: Client, taskQueue: string, { invoice, customer, policy, pause, startedBy, priority }: CaseToStart): Promise<'started' | 'running_already'> {
  const input = { ...caseInputFromRows(invoice, customer, policy), ...(pause ? { startPaused: casePauseCommand(pause, pause.pausedBy) } : {}) };
  try {
    await temporal.workflow.start<typeof collectionWorkflow>(collectionWorkflowType, {
      workflowId: caseWorkflowId(invoice),
      taskQueue,
      args: [input],
      // What the case is: searchable at once, before a worker has run it.
      typedSearchAttributes: identityAttributes(input),
      ...(priority ? { priority } : {}),
      staticSummary: `Collect invoice ${invoice.number} from ${customer.name}`,
      staticDetails: `Created by ${startedBy}; policy ${policy.name}@${policy.version}; source ${invoice.source}/${invoice.externalId}`,
      // The SDK's default (ALLOW_DUPLICATE) would start a fresh ladder once the first run closed.
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    });
    return 'started';
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return 'running_already';
    throw error;
  }
}
