import type { SearchAttributePair, SearchAttributeUpdatePair } from '@temporalio/common';
import { type CaseState, stageOf } from '../domain/case/state.js';
import type { TimedEvent } from '../domain/case/timed-events.js';
import { dueDateAnchor } from '../domain/schedule.js';
import type { CollectionWorkflowInput } from './definitions.js';
import { searchAttributes } from './search-attributes.js';

/** The schedule a case keeps for its life: anchored in the timezone it started in; `spread` places windowed sends by invoice id. */
export function caseSchedule(input: CollectionWorkflowInput, spread: boolean) {
  const timezone = input.customer.timezone;
  const dueAt = dueDateAnchor(input.dueDate, timezone);
  return {
    policy: input.policy,
    timezone,
    anchorMillis: input.scheduleAnchor ? Date.parse(input.scheduleAnchor) : dueAt,
    shiftMillis: 0,
    holidays: input.holidays ?? [],
    ...(spread ? { spreadKey: input.invoiceId } : {}),
  };
}

/** What a case is: set once, in its first task (or with its start). */
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

/**
 * What a new case is, set by whoever starts it: searchable in the Temporal UI (by invoice, customer,
 * currency, policy, due date) before any worker has run the case, say in a bulk import's backlog.
 * Where it stands and what comes next (stage, amount due, next action) follow in its first task:
 * computing the schedule here cost the API about a tenth of its CPU per create (luxon), for one
 * history event.
 */
export function attributesAtStart(input: CollectionWorkflowInput): SearchAttributePair[] {
  return identityAttributes(input);
}
