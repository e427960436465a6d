import { DateTime } from 'luxon';
import { parseDuration } from './duration.js';
import { type CollectionPolicy, type PolicyStep, type SendingWindow, personReachingActions } from './policy.js';

/**
 * When each step is due, as UTC epoch milliseconds. Offsets count from the start of the due date
 * in the customer's timezone, in calendar units, so "P15D" is fifteen calendar days there whatever
 * daylight-saving does; steps that reach a person then move into the sending window.
 */

/** Start of the due date (YYYY-MM-DD) in the customer's IANA timezone. */
export function dueDateAnchor(dueDate: string, timezone: string): number {
  const anchor = DateTime.fromISO(dueDate, { zone: timezone }).startOf('day');
  if (!anchor.isValid) throw new Error(`cannot place due date ${dueDate} in timezone ${timezone}: ${anchor.invalidExplanation}`);
  return anchor.toMillis();
}

export function applyOffset(anchorMillis: number, offset: string, timezone: string): number {
  const parsed = parseDuration(offset);
  if (!parsed) throw new Error(`not an ISO 8601 duration: ${offset}`);
  const anchor = DateTime.fromMillis(anchorMillis, { zone: timezone });
  return (parsed.sign === 1 ? anchor.plus(parsed.duration) : anchor.minus(parsed.duration)).toMillis();
}

/**
 * The first moment at or after `at` inside the window (local hours and weekdays of the timezone),
 * skipping `holidays` (local dates, YYYY-MM-DD).
 */
export function nextAllowedMoment(at: number, window: SendingWindow, timezone: string, holidays: readonly string[] = []): number {
  let local = DateTime.fromMillis(at, { zone: timezone });
  // A week of allowed weekdays plus a run of holidays (Christmas to New Year) is never longer than this.
  for (let day = 0; day < 8 + holidays.length; day++) {
    const allowedDay = window.weekdays.includes(local.weekday) && !holidays.includes(local.toISODate()!);
    const opens = local.set({ hour: window.startHour, minute: 0, second: 0, millisecond: 0 });
    const closes = window.endHour === 24 ? local.endOf('day').plus({ milliseconds: 1 }) : local.set({ hour: window.endHour, minute: 0, second: 0, millisecond: 0 });
    if (allowedDay && local < closes) return Math.max(local.toMillis(), opens.toMillis());
    local = local.plus({ days: 1 }).startOf('day');
  }
  throw new Error('sending window allows no day of the week');
}

/** Which window a step must respect: calls are stricter, so a step with a call takes the call window. */
export function windowForStep(step: Pick<PolicyStep, 'actions'>, policy: Pick<CollectionPolicy, 'sendingWindows'>): SendingWindow | undefined {
  if (!policy.sendingWindows) return undefined;
  const types = step.actions.map((action) => action.type);
  if (types.includes('call_task')) return policy.sendingWindows.calls;
  if (types.some((type) => personReachingActions.includes(type))) return policy.sendingWindows.messages;
  return undefined;
}

/**
 * The window a message on this channel must leave in, checked at the moment of sending (not only
 * when the step was planned): letters are not windowed, calls take the stricter call window.
 */
export function windowForChannel(channel: 'email' | 'sms' | 'letter' | 'call_task', policy: Pick<CollectionPolicy, 'sendingWindows'>): SendingWindow | undefined {
  if (!policy.sendingWindows || channel === 'letter') return undefined;
  return channel === 'call_task' ? policy.sendingWindows.calls : policy.sendingWindows.messages;
}

export function isInsideWindow(at: number, window: SendingWindow, timezone: string, holidays: readonly string[] = []): boolean {
  return nextAllowedMoment(at, window, timezone, holidays) === at;
}

export interface ScheduleContext {
  readonly policy: CollectionPolicy;
  readonly timezone: string;
  /** Epoch ms the offsets count from: the start of the due date, unless a test or import says otherwise. */
  readonly anchorMillis: number;
  /** Held time added to every remaining step (pauses, disputes, plans), when the policy shifts on hold. */
  readonly shiftMillis: number;
  /** Local dates (YYYY-MM-DD) on which nothing reaches the customer (public holidays), if the policy asks. */
  readonly holidays?: readonly string[];
}

/** When the step at `index` is due: offset, then shift, then the sending window. */
export function stepDueAt(context: ScheduleContext, index: number): number {
  const step = context.policy.steps[index];
  if (!step) throw new Error(`policy ${context.policy.name} has no step ${index}`);
  const raw = applyOffset(context.anchorMillis, step.offset, context.timezone) + context.shiftMillis;
  const window = windowForStep(step, context.policy);
  return window ? nextAllowedMoment(raw, window, context.timezone, context.holidays) : raw;
}

/**
 * Steps already due when a case starts (a backlog import): with `catchUp: 'latest'` only the most
 * recent of them runs and the earlier ones are recorded as skipped; with 'all' each runs in turn.
 * Returns the index of the first step to run.
 */
export function firstStepToRun(context: ScheduleContext, startedAt: number): number {
  if (context.policy.catchUp === 'all') return 0;
  let first = 0;
  context.policy.steps.forEach((_, index) => {
    if (stepDueAt(context, index) <= startedAt) first = index;
  });
  return first;
}
