import { type ActionType, type CollectionPolicy, noticeChannels, type NoticeGatedAction, noticeGatedActions, type PriorNoticeRule } from '../policy.js';
import { applyOffset } from '../schedule.js';
import type { CaseState, NoticeSent } from './state.js';

/**
 * A late fee or a legal hand-off never comes out of the blue: the policy's `priorNotice` names the
 * notice each needs and how long before. These rules decide; the workflow sends and waits.
 */

/** What a message that just reached the customer does to the case's record of notices. */
export function withNoticeSent(state: CaseState, sent: { action: string; channel: string; template: string; at: number }, overdueFrom: number): CaseState {
  const channel = noticeChannels.find((c) => c === sent.channel);
  // A call task may never reach anyone and leaves nothing in writing; receipts and installment
  // reminders are not warnings; a message before the due date (a courtesy reminder) is no notice of non-payment.
  if (!channel || sent.action === 'receipt' || sent.action === 'installment_reminder' || sent.at < overdueFrom) return state;
  const notices = state.noticesSent ?? [];
  // The first send of a template is the one the minimum counts from.
  if (notices.some((notice) => notice.template === sent.template)) return state;
  return { ...state, noticesSent: [...notices, { template: sent.template, channel, at: sent.at }] };
}

export function priorNoticeRule(policy: Pick<CollectionPolicy, 'priorNotice'>, action: ActionType): PriorNoticeRule | undefined {
  const gated = noticeGatedActions.find((a): a is NoticeGatedAction => a === action);
  return gated ? policy.priorNotice?.[gated] : undefined;
}

/** The earliest notice that satisfies the rule: its template, or with `anyMessage` any notice at all. */
function earliestNotice(state: CaseState, rule: PriorNoticeRule): NoticeSent | undefined {
  const counting = (state.noticesSent ?? []).filter((notice) => rule.anyMessage || notice.template === rule.template);
  return counting.reduce<NoticeSent | undefined>((earliest, notice) => (!earliest || notice.at < earliest.at ? notice : earliest), undefined);
}

export type PriorNoticeCheck =
  /** No rule, or the notice went out long enough ago: the action may run. */
  | { readonly kind: 'given' }
  /** The notice was never sent: send it now (then wait the minimum). */
  | { readonly kind: 'send'; readonly rule: PriorNoticeRule }
  /** The notice went out too recently: the action waits until `notBefore`. */
  | { readonly kind: 'wait'; readonly rule: PriorNoticeRule; readonly sentAt: number; readonly notBefore: number };

export function priorNoticeCheck(state: CaseState, policy: Pick<CollectionPolicy, 'priorNotice'>, action: ActionType, now: number, timezone: string): PriorNoticeCheck {
  const rule = priorNoticeRule(policy, action);
  if (!rule) return { kind: 'given' };
  const notice = earliestNotice(state, rule);
  if (!notice) return { kind: 'send', rule };
  const notBefore = applyOffset(notice.at, rule.minimum, timezone);
  return now >= notBefore ? { kind: 'given' } : { kind: 'wait', rule, sentAt: notice.at, notBefore };
}

/**
 * When the step's next action may run as far as its notice goes: the notice's time plus the
 * minimum, or undefined when the notice does not hold it back by time (no rule, or not yet sent:
 * the step then sends it when it runs). The next action is the first one not done yet.
 */
export function stepNotBefore(state: CaseState, policy: CollectionPolicy, stepIndex: number, timezone: string): { at: number; template: string; minimum: string } | undefined {
  const action = policy.steps[stepIndex]?.actions[state.stepActionsDone ?? 0];
  if (!action) return undefined;
  const rule = priorNoticeRule(policy, action.type);
  const notice = rule && earliestNotice(state, rule);
  return rule && notice ? { at: applyOffset(notice.at, rule.minimum, timezone), template: rule.template, minimum: rule.minimum } : undefined;
}
