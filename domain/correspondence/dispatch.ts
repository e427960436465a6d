import { nextAllowedMoment } from '../schedule.js';
import { type ContactCaps, type DeliveryRequest, type SentRecord, type WaitReason, WEEK_MILLIS } from './requests.js';

/**
 * When the next message to one customer leaves, and which waiting requests it carries. Requests of
 * the same channel, currency and kind go together; a group leaves once the first request's
 * consolidation window has passed, the customer's sending window is open, and the contact caps
 * allow one more message. Everything still waiting in the group then goes in that one message.
 */
export interface Dispatch {
  readonly at: number;
  readonly group: readonly DeliveryRequest[];
  /** What made it wait past the first request, in order. */
  readonly waitedFor: readonly WaitReason[];
}

export function groupKey(request: DeliveryRequest): string {
  return `${request.kind}:${request.channel}:${request.line.currency}`;
}

/** The earliest moment the caps allow one more message on `channel` (now or later). */
export function capsAllowAt(sent: readonly SentRecord[], channel: DeliveryRequest['channel'], caps: ContactCaps | undefined, now: number): number {
  if (!caps) return now;
  let at = now;
  const times = sent.map((s) => s.at).sort((a, b) => a - b);
  const last = times.at(-1);
  if (last !== undefined) at = Math.max(at, last + caps.minimumGapMillis);
  at = Math.max(at, weeklyRoomAt(times, caps.perWeek, at));
  const onChannel = sent.filter((s) => s.channel === channel).map((s) => s.at).sort((a, b) => a - b);
  return Math.max(at, weeklyRoomAt(onChannel, caps.perWeekPerChannel, at));
}

/** With `max` messages allowed in any 7 days, when is there room for one more at or after `from`? */
function weeklyRoomAt(sortedTimes: readonly number[], max: number, from: number): number {
  const inWeek = sortedTimes.filter((t) => t > from - WEEK_MILLIS);
  if (inWeek.length < max) return from;
  // The oldest messages must age out of the week until one slot is free.
  return inWeek[inWeek.length - max]! + WEEK_MILLIS;
}

export function nextDispatch(pending: readonly DeliveryRequest[], sent: readonly SentRecord[], now: number): Dispatch | undefined {
  const groups = new Map<string, DeliveryRequest[]>();
  for (const request of pending) groups.set(groupKey(request), [...(groups.get(groupKey(request)) ?? []), request]);
  let best: Dispatch | undefined;
  for (const group of groups.values()) {
    const first = group.reduce((a, b) => (b.requestedAt < a.requestedAt ? b : a));
    const waitedFor: WaitReason[] = [];
    let at = first.requestedAt;
    if (first.kind === 'collection') {
      if (first.consolidationMillis > 0) {
        at += first.consolidationMillis;
        waitedFor.push('consolidation');
      }
      const capped = capsAllowAt(sent, first.channel, first.caps, at);
      if (capped > at) waitedFor.push('contact_cap');
      at = capped;
      if (first.window) {
        const opens = nextAllowedMoment(Math.max(at, now), first.window, first.timezone, first.holidays);
        if (opens > Math.max(at, now)) waitedFor.push('sending_window');
        at = opens;
      }
    }
    if (!best || at < best.at) best = { at, group, waitedFor };
  }
  return best;
}

/** Drops what the caps no longer look at (messages older than a week). */
export function recentSends(sent: readonly SentRecord[], now: number): SentRecord[] {
  return sent.filter((s) => s.at > now - WEEK_MILLIS);
}
