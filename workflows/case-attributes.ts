import type { SearchAttributePair, SearchAttributeUpdatePair } from '@temporalio/common';
import { type CaseState, initialCaseState, stageOf } from '../domain/case/state.js';
import { nextTimedEvent, type TimedEvent } from '../domain/case/timed-events.js';
import { dueDateAnchor, firstStepToRun } from '../domain/schedule.js';
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
export function identityAttributes(input: CollectionWorkflowInput): SearchAttributeUpdatePair[] {
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
 * The attributes a new case publishes in its first task, computed by whoever starts it: set with
 * the start they cost the case no history event (the workflow upserts only what differs, say a
 * pause that came with the start) and show in the Temporal UI before the case has run at all.
 */
export function attributesAtStart(input: CollectionWorkflowInput, now: number): SearchAttributePair[] {
  const schedule = caseSchedule(input, true);
  const state = { ...initialCaseState(input), nextStepIndex: firstStepToRun(schedule, now) };
  const pairs = [...identityAttributes(input), ...standingAttributes(state, nextTimedEvent(state, schedule, now), now, dueDateAnchor(input.dueDate, schedule.timezone))];
  return pairs.filter((pair): pair is SearchAttributePair => pair.value !== null);
}
