import type { PolicyStep } from '../policy.js';
import { applyOffset, dueDateAnchor } from '../schedule.js';

/**
 * The policy's ladder as a person reads it on the case page: each step, what came of it (from the
 * case's audit log) and whether it is done, next (and when) or still to come.
 */

/** One audit-log entry of the case, as the database keeps it (kind, details JSON, when). */
export interface LadderEvent {
  readonly kind: string;
  /** The channel or action column of the entry, when it has one. */
  readonly action: string | null;
  readonly details: unknown;
  /** ISO 8601 instant. */
  readonly occurredAt: string;
}

export type LadderOutcomeKind = 'sent' | 'fell_back' | 'failed' | 'skipped' | 'withdrawn' | 'notice_sent' | 'fee_posted' | 'fee_skipped' | 'handed_off';

export interface LadderOutcome {
  readonly outcome: LadderOutcomeKind;
  /** The channel it went by (email, sms, letter, call_task), the fee, or the legal partner's action. */
  readonly channel: string | null;
  readonly at: string;
  readonly note: string | null;
}

export type LadderStatus = 'done' | 'next' | 'later' | 'not_reached';

export interface LadderRow {
  readonly stepId: string;
  readonly offset: string;
  readonly actions: readonly string[];
  /** When the policy puts the step before any hold, sending window or catch-up moved it (ISO 8601). */
  readonly plannedAt: string;
  readonly status: LadderStatus;
  /** The case's own next moment for this step, when it is the next timed event (ISO 8601). */
  readonly dueAt: string | null;
  readonly outcomes: readonly LadderOutcome[];
}

export interface LadderInput {
  readonly steps: readonly Pick<PolicyStep, 'id' | 'offset' | 'actions'>[];
  /** YYYY-MM-DD and the customer's IANA timezone: offsets count from the start of that day there. */
  readonly dueDate: string;
  readonly timezone: string;
  readonly events: readonly LadderEvent[];
  /** The live case's next step id (null when it has run every step, or when the case is no longer live). */
  readonly nextStepId: string | null;
  /** The live case's next timed event (`kind` 'step' is the next step's moment). */
  readonly nextAction: { readonly kind: string; readonly at: string } | null;
  /** The case has ended: nothing more will run. */
  readonly closed: boolean;
  /** The live state is known (the case still runs or Temporal still holds it). */
  readonly live: boolean;
}

const OUTCOME_OF_KIND: Readonly<Record<string, LadderOutcomeKind>> = {
  step_sent: 'sent',
  step_failed: 'failed',
  step_skipped: 'skipped',
  step_withdrawn: 'withdrawn',
  prior_notice_sent: 'notice_sent',
  late_fee_posted: 'fee_posted',
  late_fee_skipped: 'fee_skipped',
  legal_handoff: 'handed_off',
};

function field(details: unknown, key: string): string | null {
  if (typeof details !== 'object' || details === null || Array.isArray(details)) return null;
  const value = (details as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : null;
}

/** The step an audit entry belongs to (fees name it their occurrence) and what it says came of it. */
function outcomeOf(event: LadderEvent): { stepId: string; outcome: LadderOutcome } | null {
  const kind = OUTCOME_OF_KIND[event.kind];
  const stepId = field(event.details, 'stepId') ?? field(event.details, 'occurrence');
  if (!kind || !stepId) return null;
  const channel = field(event.details, 'channel') ?? event.action;
  const wanted = field(event.details, 'wanted');
  const outcome = kind === 'sent' && wanted && channel && wanted !== channel ? 'fell_back' : kind;
  const note = field(event.details, 'reason') ?? (outcome === 'fell_back' ? `instead of ${wanted}` : null) ?? (kind === 'fee_posted' ? field(event.details, 'feeMinor') : null);
  return { stepId, outcome: { outcome, channel, at: event.occurredAt, note } };
}

export function ladder(input: LadderInput): LadderRow[] {
  const anchor = dueDateAnchor(input.dueDate, input.timezone);
  const outcomes = new Map<string, LadderOutcome[]>();
  for (const event of input.events) {
    const found = outcomeOf(event);
    if (!found) continue;
    outcomes.set(found.stepId, [...(outcomes.get(found.stepId) ?? []), found.outcome]);
  }
  const nextIndex = input.nextStepId === null ? -1 : input.steps.findIndex((step) => step.id === input.nextStepId);
  return input.steps.map((step, index) => {
    const seen = outcomes.get(step.id) ?? [];
    const status = statusOf(index, nextIndex, seen.length > 0, input);
    const dueAt = status === 'next' && input.nextAction?.kind === 'step' ? input.nextAction.at : null;
    return {
      stepId: step.id,
      offset: step.offset,
      actions: step.actions.map((action) => action.type),
      plannedAt: new Date(applyOffset(anchor, step.offset, input.timezone)).toISOString(),
      status,
      dueAt,
      outcomes: seen,
    };
  });
}

function statusOf(index: number, nextIndex: number, hasOutcome: boolean, input: LadderInput): LadderStatus {
  // A live case knows its position: steps before the next one have run (a catch-up may have skipped them silently).
  if (input.live && !input.closed && nextIndex >= 0) return index < nextIndex ? 'done' : index === nextIndex ? 'next' : 'later';
  if (input.live && !input.closed && input.nextStepId === null) return 'done';
  // Ended, or no longer known to Temporal: only the audit log tells what ran.
  return hasOutcome ? 'done' : 'not_reached';
}
