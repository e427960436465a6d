import { z } from 'zod';
import { approximateMillis, isDuration } from './duration.js';

/**
 * A collection policy is data: named, versioned, a list of steps (offset from the due date and
 * one or more actions) plus the rules around them. The workflow takes a snapshot at start.
 */

export const actionTypes = ['email', 'sms', 'letter', 'call_task', 'late_fee', 'legal_handoff'] as const;
export type ActionType = (typeof actionTypes)[number];
/** Actions that reach a person and so happen only inside the sending window. */
export const personReachingActions: readonly ActionType[] = ['email', 'sms', 'call_task'];

const duration = z.string().refine(isDuration, { message: 'must be an ISO 8601 duration like P15D, PT2S or -P3D' });
const spread = z
  .string()
  .refine((text) => isDuration(text) && !text.startsWith('-') && approximateMillis(text) <= 86_400_000, { message: 'must be an ISO 8601 duration from PT0S to P1D, like PT2H' });
const nonNegativeDuration = z.string().refine((text) => isDuration(text) && !text.startsWith('-'), { message: 'must be an ISO 8601 duration that is not negative, like P10D or PT3S' });
const hour = z.number().int().min(0).max(24);
const weekday = z.number().int().min(1, 'weekdays are 1 (Monday) to 7 (Sunday)').max(7, 'weekdays are 1 (Monday) to 7 (Sunday)');

export const sendingWindowSchema = z
  .object({ startHour: hour, endHour: hour, weekdays: z.array(weekday).min(1) })
  .refine((w) => w.startHour < w.endHour, { message: 'startHour must be before endHour', path: ['endHour'] });
export type SendingWindow = z.infer<typeof sendingWindowSchema>;

export const feeRuleSchema = z
  .object({
    kind: z.enum(['flat', 'percent']),
    /** Flat fees: integer minor units in the invoice's currency. */
    amountMinor: z.number().int().positive().optional(),
    /** Percentage fees in basis points of the balance: 150 = 1.5 %. */
    basisPoints: z.number().int().positive().max(10_000).optional(),
    /** Total of all fees of this rule never exceeds this, in minor units. */
    capMinor: z.number().int().positive().optional(),
    recurrence: z.enum(['once', 'monthly']),
  })
  .superRefine((rule, ctx) => {
    if (rule.kind === 'flat' && rule.amountMinor === undefined) ctx.addIssue({ code: 'custom', path: ['amountMinor'], message: 'a flat fee rule needs amountMinor' });
    if (rule.kind === 'percent' && rule.basisPoints === undefined) ctx.addIssue({ code: 'custom', path: ['basisPoints'], message: 'a percent fee rule needs basisPoints' });
  });
export type FeeRule = z.infer<typeof feeRuleSchema>;

/** Real ladders have a handful of steps; thousands would be a mistake (and a workflow that never ends). */
export const MAX_POLICY_STEPS = 50;
export const MAX_STEP_ACTIONS = 6;

const actionSchema = z.object({
  type: z.enum(actionTypes, { message: `must be one of ${actionTypes.join(', ')}` }),
  /** Template name for messages (email, sms, letter, call_task). */
  template: z.string().min(1).optional(),
});
export type StepAction = z.infer<typeof actionSchema>;

/** Channels a prior notice can go by: written ones (a call task may never reach the customer and leaves nothing in writing). */
export const noticeChannels = ['email', 'sms', 'letter'] as const;
export type NoticeChannel = (typeof noticeChannels)[number];

/**
 * What must have reached the customer before a late fee or a legal hand-off: `template` sent at
 * least `minimum` before (calendar units in the customer's timezone). When it never was, the case
 * sends it first on `channel` (default email), then waits the minimum. With `anyMessage`, any
 * email, SMS or letter sent on or after the due date counts, not only `template`.
 */
const priorNoticeRuleSchema = z.strictObject({
  template: z.string().min(1),
  minimum: nonNegativeDuration,
  channel: z.enum(noticeChannels, { message: `must be one of ${noticeChannels.join(', ')}` }).optional(),
  anyMessage: z.boolean().optional(),
});
export type PriorNoticeRule = z.infer<typeof priorNoticeRuleSchema>;
export const noticeGatedActions = ['late_fee', 'legal_handoff'] as const satisfies readonly ActionType[];
export type NoticeGatedAction = (typeof noticeGatedActions)[number];

const stepSchema = z.object({
  id: z.string().regex(/^[a-z0-9_]+$/, 'must be lower_snake_case'),
  /** From the start of the due date in the customer's timezone. */
  offset: duration,
  actions: z.array(actionSchema).min(1, 'a step needs at least one action').max(MAX_STEP_ACTIONS, `a step has at most ${MAX_STEP_ACTIONS} actions`),
});
export type PolicyStep = z.infer<typeof stepSchema>;

export const collectionPolicySchema = z
  .object({
    name: z.string().min(1),
    version: z.number().int().positive(),
    steps: z.array(stepSchema).min(1).max(MAX_POLICY_STEPS, `a policy has at most ${MAX_POLICY_STEPS} steps`),
    /** Days after the due date before any late fee may be charged. */
    graceDays: z.number().int().min(0),
    /**
     * Business hours in the customer's timezone; `calls` also excludes weekends by default. Null: any time.
     * `spread` (default PT2H, `defaultSendingSpread`): sends the window would bunch at its opening go out
     * over its first `spread` instead, each case at its own moment (optional so stored policies still parse).
     * `skipPublicHolidays`: also keep quiet on the public holidays of the customer's country (from its postal address).
     */
    sendingWindows: z.object({ messages: sendingWindowSchema, calls: sendingWindowSchema, spread: spread.optional(), skipPublicHolidays: z.boolean().optional() }).nullable(),
    feeRule: feeRuleSchema.optional(),
    /** keep: the ladder goes on; hold: escalation waits `partialPaymentHold`; reset: the next step's clock restarts at the payment. */
    partialPayment: z.enum(['keep', 'hold', 'reset']),
    partialPaymentHold: duration.optional(),
    /** Whether the remaining steps move later by the time a dispute, pause, plan or promise held them. */
    shiftScheduleOnHold: z.boolean(),
    installmentReminderBefore: duration,
    installmentGrace: duration,
    /** Steps already due when the case starts (a backlog import): run only the latest, or each in turn. */
    catchUp: z.enum(['latest', 'all']),
    /**
     * Messages to one customer on the same channel and currency within `window` of the first become
     * one message listing every invoice (the customer's correspondence workflow). Absent: none.
     */
    consolidation: z.object({ window: duration }).optional(),
    /**
     * How often one customer may be contacted (letters and calls count): at most `perWeek` messages
     * in any 7 days, `perWeekPerChannel` on one channel, and `minimumGap` between two. A message over
     * a cap waits and is merged into the next allowed one, never dropped. Absent: no caps.
     */
    contactCaps: z
      .object({
        perWeek: z.number().int().min(1).max(50),
        perWeekPerChannel: z.number().int().min(1).max(50),
        minimumGap: duration,
      })
      .optional(),
    /**
     * The notice each of these actions needs first (see priorNoticeRuleSchema). Optional so that
     * policies stored before it, and the policy snapshots of running cases, parse and run as before;
     * `{}` asks for no notice.
     */
    priorNotice: z.strictObject({ late_fee: priorNoticeRuleSchema.optional(), legal_handoff: priorNoticeRuleSchema.optional() }).optional(),
  })
  .superRefine((policy, ctx) => {
    // Field errors (a malformed offset) are already reported; cross-field rules need sound fields.
    if (!policy.steps.every((step) => isDuration(step.offset))) return;
    const offsets = policy.steps.map((step) => approximateMillis(step.offset));
    offsets.forEach((offset, i) => {
      if (i > 0 && offset <= offsets[i - 1]!) {
        ctx.addIssue({ code: 'custom', path: ['steps', i, 'offset'], message: `offsets must increase: ${policy.steps[i]!.offset} is not after ${policy.steps[i - 1]!.offset}` });
      }
    });
    const ids = new Set<string>();
    policy.steps.forEach((step, i) => {
      if (ids.has(step.id)) ctx.addIssue({ code: 'custom', path: ['steps', i, 'id'], message: `duplicate step id ${step.id}` });
      ids.add(step.id);
      step.actions.forEach((action, j) => {
        if (action.type === 'late_fee' && !policy.feeRule) {
          ctx.addIssue({ code: 'custom', path: ['steps', i, 'actions', j], message: 'a late_fee action needs the policy to have a feeRule' });
        }
        if (action.type === 'late_fee' && approximateMillis(step.offset) < policy.graceDays * 86_400_000) {
          ctx.addIssue({ code: 'custom', path: ['steps', i, 'offset'], message: `a late fee cannot come before the grace period of ${policy.graceDays} days` });
        }
      });
    });
    if (policy.partialPayment === 'hold' && !policy.partialPaymentHold) {
      ctx.addIssue({ code: 'custom', path: ['partialPaymentHold'], message: 'partialPayment "hold" needs partialPaymentHold' });
    }
  });
export type CollectionPolicy = z.infer<typeof collectionPolicySchema>;

export class PolicyValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid collection policy: ${problems.join('; ')}`);
    this.name = 'PolicyValidationError';
  }
}

/** Validates policy data, throwing one error that lists every problem with its path. */
export function parsePolicy(data: unknown): CollectionPolicy {
  const result = collectionPolicySchema.safeParse(data);
  if (!result.success) throw new PolicyValidationError(result.error.issues.map((issue) => `${issue.path.join('.') || '(policy)'}: ${issue.message}`));
  return result.data;
}
