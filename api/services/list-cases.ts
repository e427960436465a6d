import type { Client } from '@temporalio/client';
import { decodeTypedSearchAttributes } from '@temporalio/common/lib/converter/payload-search-attributes.js';
import { collectionWorkflowType } from '../../workflows/definitions.js';
import { searchAttributes } from '../../workflows/search-attributes.js';
import { caseStages } from '../schemas/case-view.js';
import type { CaseSummary, ListCasesQuery, WorkflowStatus } from '../schemas/list.js';

/** Temporal's WorkflowExecutionStatus numbers (temporal.api.enums.v1), by name. */
const statusNames: Readonly<Record<number, WorkflowStatus>> = {
  1: 'running',
  2: 'completed',
  3: 'failed',
  4: 'cancelled',
  5: 'terminated',
  6: 'continued_as_new',
  7: 'timed_out',
  8: 'paused',
};

export const workflowStatusName = (status: number | null | undefined): WorkflowStatus => statusNames[status ?? 0] ?? 'unknown';

const isCaseStage = (value: string | undefined): value is (typeof caseStages)[number] => caseStages.some((stage) => stage === value);

/**
 * Lists cases from Temporal visibility: it knows each case's live stage, balance and holds the
 * moment they change (the workflow upserts them), which the database learns only at the next
 * flush. Every filter value is validated by the schema before it reaches the query string.
 */
export function visibilityQuery(filters: ListCasesQuery): string {
  const sa = searchAttributes;
  const clauses = [`WorkflowType = '${collectionWorkflowType}'`];
  if (filters.stage) clauses.push(`${sa.stage.name} = '${filters.stage}'`);
  if (filters.customerId) clauses.push(`${sa.customerId.name} = '${filters.customerId}'`);
  if (filters.disputed !== undefined) clauses.push(`${sa.disputed.name} = ${filters.disputed}`);
  if (filters.paused !== undefined) clauses.push(`${sa.paused.name} = ${filters.paused}`);
  if (filters.amountMinMinor !== undefined) clauses.push(`${sa.amountDueMinor.name} >= ${filters.amountMinMinor}`);
  if (filters.amountMaxMinor !== undefined) clauses.push(`${sa.amountDueMinor.name} <= ${filters.amountMaxMinor}`);
  if (filters.dueFrom) clauses.push(`${sa.dueDate.name} >= '${filters.dueFrom}T00:00:00Z'`);
  // Inclusive of the whole dueTo day: before the start of the next one.
  if (filters.dueTo) clauses.push(`${sa.dueDate.name} < '${new Date(Date.parse(`${filters.dueTo}T00:00:00Z`) + 86_400_000).toISOString()}'`);
  return clauses.join(' AND ');
}

type Execution = NonNullable<Awaited<ReturnType<Client['workflowService']['listWorkflowExecutions']>>['executions']>[number];

/** One listed execution as a case summary (also read by the console's worklist). */
export function caseSummaryOf(execution: Execution): CaseSummary {
  const attributes = decodeTypedSearchAttributes(execution.searchAttributes?.indexedFields);
  const stage = attributes.get(searchAttributes.stage);
  return {
    workflowId: execution.execution?.workflowId ?? '',
    status: workflowStatusName(execution.status),
    stage: isCaseStage(stage) ? stage : undefined,
    invoiceId: attributes.get(searchAttributes.invoiceId),
    invoiceNumber: attributes.get(searchAttributes.invoiceNumber),
    customerId: attributes.get(searchAttributes.customerId),
    amountDueMinor: attributes.get(searchAttributes.amountDueMinor),
    currency: attributes.get(searchAttributes.currency),
    dueDate: attributes.get(searchAttributes.dueDate)?.toISOString(),
    nextActionAt: attributes.get(searchAttributes.nextActionAt)?.toISOString() ?? null,
    disputed: attributes.get(searchAttributes.disputed),
    paused: attributes.get(searchAttributes.paused),
    inPaymentPlan: attributes.get(searchAttributes.inPaymentPlan),
  };
}

export async function listCases(temporal: Client, namespace: string, filters: ListCasesQuery): Promise<{ cases: CaseSummary[]; nextPageToken: string | null }> {
  const response = await temporal.workflowService.listWorkflowExecutions({
    namespace,
    query: visibilityQuery(filters),
    pageSize: filters.pageSize,
    ...(filters.pageToken ? { nextPageToken: Buffer.from(filters.pageToken, 'base64url') } : {}),
  });
  const cases = (response.executions ?? []).map(caseSummaryOf);
  const token = response.nextPageToken?.length ? Buffer.from(response.nextPageToken).toString('base64url') : null;
  return { cases, nextPageToken: token };
}
