import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { collectionWorkflowType } from '../../workflows/definitions.js';
import { searchAttributes } from '../../workflows/search-attributes.js';
import type { ListCasesQuery } from '../schemas/list.js';

export interface CaseSummary {
  readonly workflowId: string;
  readonly status: string;
  readonly [attribute: string]: unknown;
}

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

export async function listCases(temporal: Client, namespace: string, filters: ListCasesQuery): Promise<{ cases: CaseSummary[]; nextPageToken: string | null }> {
  const response = await temporal.workflowService.listWorkflowExecutions({
    namespace,
    query: visibilityQuery(filters),
    pageSize: filters.pageSize,
    ...(filters.pageToken ? { nextPageToken: Buffer.from(filters.pageToken, 'base64url') } : {}),
  });
  const cases = (response.executions ?? []).map((execution) => {
    const fields = execution.searchAttributes?.indexedFields ?? {};
    const attributes = Object.fromEntries(Object.entries(fields).map(([name, payload]) => [name, defaultPayloadConverter.fromPayload(payload)]));
    return {
      workflowId: execution.execution?.workflowId ?? '',
      status: String(execution.status ?? ''),
      stage: attributes[searchAttributes.stage.name],
      invoiceId: attributes[searchAttributes.invoiceId.name],
      invoiceNumber: attributes[searchAttributes.invoiceNumber.name],
      customerId: attributes[searchAttributes.customerId.name],
      amountDueMinor: attributes[searchAttributes.amountDueMinor.name],
      currency: attributes[searchAttributes.currency.name],
      dueDate: attributes[searchAttributes.dueDate.name],
      nextActionAt: attributes[searchAttributes.nextActionAt.name] ?? null,
      disputed: attributes[searchAttributes.disputed.name],
      paused: attributes[searchAttributes.paused.name],
      inPaymentPlan: attributes[searchAttributes.inPaymentPlan.name],
    };
  });
  const token = response.nextPageToken?.length ? Buffer.from(response.nextPageToken).toString('base64url') : null;
  return { cases, nextPageToken: token };
}
