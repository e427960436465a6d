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

/** When the window opens and closes on the local day of `local`. */
function windowOfDay(local: DateTime, window: SendingWindow): { opens: DateTime; closes: DateTime } {
  const opens = local.set({ hour: window.startHour, minute: 0, second: 0, millisecond: 0 });
  const closes = window.endHour === 24 ? local.endOf('day').plus({ milliseconds: 1 }) : local.set({ hour: window.endHour, minute: 0, second: 0, millisecond: 0 });
  return { opens, closes };
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
    const { opens, closes } = windowOfDay(local, window);
    if (allowedDay && local < closes) return Math.max(local.toMillis(), opens.toMillis());
    local = local.plus({ days: 1 }).startOf('day');
  }
  throw new Error('sending window allows no day of the week');
}

/** The spread used when a policy's sending windows name none. */
export const defaultSendingSpread = 'PT2H';

/**
 * A fraction in [0, 1) that depends only on the key: 32-bit FNV-1a, then murmur3's finaliser so
 * keys that differ in one character (sequential ids) still land far apart.
 */
export function spreadFraction(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return ((hash ^ (hash >>> 16)) >>> 0) / 2 ** 32;
}

/**
 * Without this every case due over a weekend (or overnight) would send at the window's opening to
 * the second. `at` is a moment inside the window (as `nextAllowedMoment` returns); each key gets
 * its own slot in the first `spread` of that day's window, and a moment before its slot moves to
 * it. Never past the window's close: a window shorter than the spread is spread over its length.
 */
export function spreadInWindow(at: number, window: SendingWindow, timezone: string, key: string, spread: string = defaultSendingSpread): number {
  const { opens, closes } = windowOfDay(DateTime.fromMillis(at, { zone: timezone }), window);
  const width = Math.min(applyOffset(opens.toMillis(), spread, timezone) - opens.toMillis(), closes.toMillis() - opens.toMillis());
  return Math.max(at, opens.toMillis() + Math.floor(spreadFraction(key) * width));
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
  /** The case's own key (its invoice id): windowed sends spread by it (`spreadInWindow`). None: no spreading. */
  readonly spreadKey?: string;
}

/** When the step at `index` is due: offset, then shift, then the sending window and the case's slot in it. */
export function stepDueAt(context: ScheduleContext, index: number): number {
  const step = context.policy.steps[index];
  if (!step) throw new Error(`policy ${context.policy.name} has no step ${index}`);
  const raw = applyOffset(context.anchorMillis, step.offset, context.timezone) + context.shiftMillis;
  const window = windowForStep(step, context.policy);
  if (!window) return raw;
  const allowed = nextAllowedMoment(raw, window, context.timezone, context.holidays);
  return context.spreadKey === undefined ? allowed : spreadInWindow(allowed, window, context.timezone, context.spreadKey, context.policy.sendingWindows?.spread);
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
