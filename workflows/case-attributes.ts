import type { SearchAttributePair, SearchAttributeUpdatePair } from '@temporalio/common';
import { type CaseState, stageOf } from '../domain/case/state.js';
import type { TimedEvent } from '../domain/case/timed-events.js';
import type { CollectionWorkflowInput } from './definitions.js';
import { searchAttributes } from './search-attributes.js';

/**
 * What a case is: set once, with its start by the API (searchable in the Temporal UI before any
 * worker has run the case, say in a bulk import's backlog) or else in its first task. Where it
 * stands (`standingAttributes`) follows in its first task: computing the schedule in the API cost
 * it about a tenth of its CPU per create (luxon), for one history event.
 */
export function identityAttributes(input: CollectionWorkflowInput): SearchAttributePair[] {
  return [
    { key: searchAttributes.invoiceId, value: input.invoiceId },
    { key: searchAttributes.invoiceNumber, value: input.invoiceNumber },
    { key: searchAttributes.customerId, value: input.customer.customerId },
    { key: searchAttributes.currency, value: input.currency },
    { key: searchAttributes.policyName, value: `${input.policy.name}@${input.policy.version}` },
    { key: searchAttributes.dueDate, value: new Date(`${input.dueDate}T00:00:00Z`) },
  ];
}

/** Where a case stands and what it does next: kept current by the workflow. */
export function standingAttributes(state: CaseState, next: TimedEvent | undefined, now: number, dueAt: number): SearchAttributeUpdatePair[] {
  return [
    { key: searchAttributes.stage, value: stageOf(state, now, dueAt) },
    { key: searchAttributes.amountDueMinor, value: state.balanceMinor },
    { key: searchAttributes.nextActionAt, value: next ? new Date(next.at) : null },
    { key: searchAttributes.disputed, value: Boolean(state.dispute) },
    { key: searchAttributes.paused, value: Boolean(state.pause) },
    { key: searchAttributes.inPaymentPlan, value: Boolean(state.plan) },
  ];
}
