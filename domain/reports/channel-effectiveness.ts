import { DAY_MS, dayEnd, dayStart, type Ledger, type MessageChannel } from './ledger.js';

export const PAYMENT_WINDOW_DAYS = 7;

export interface ChannelEffectiveness {
  readonly channel: MessageChannel;
  /** Messages sent in the period whose seven days have passed by the end of `to`, or that a payment already followed. */
  readonly decided: number;
  readonly followedByPayment: number;
  /** followedByPayment ÷ decided, to three decimals; null when none is decided. */
  readonly ratio: number | null;
  /** Sent less than seven days before the end of `to` and no payment yet: not counted either way. */
  readonly pending: number;
}

export interface ChannelEffectivenessReport {
  readonly from: string;
  readonly to: string;
  readonly windowDays: number;
  readonly channels: readonly ChannelEffectiveness[];
}

const CHANNELS: readonly MessageChannel[] = ['email', 'sms', 'letter', 'call_task'];

/**
 * For each channel, how many of the messages sent from `from` through `to` (UTC days) were
 * followed by a payment on the same invoice within seven days (any amount, received after the
 * message and at most 7 × 24 hours later).
 */
export function channelEffectiveness(ledger: Ledger, from: string, to: string): ChannelEffectivenessReport {
  const start = dayStart(from);
  const end = dayEnd(to);
  const window = PAYMENT_WINDOW_DAYS * DAY_MS;
  const payments = new Map<string, number[]>();
  for (const movement of ledger.movements) {
    if (movement.kind !== 'payment') continue;
    const at = Date.parse(movement.at);
    if (at >= end) continue;
    payments.set(movement.invoiceId, [...(payments.get(movement.invoiceId) ?? []), at]);
  }
  const counts = new Map(CHANNELS.map((channel) => [channel, { decided: 0, followedByPayment: 0, pending: 0 }]));
  for (const message of ledger.messages) {
    const sent = Date.parse(message.sentAt);
    const count = counts.get(message.channel);
    if (!count || sent < start || sent >= end) continue;
    const paid = (payments.get(message.invoiceId) ?? []).some((at) => at > sent && at <= sent + window);
    if (paid) {
      count.decided += 1;
      count.followedByPayment += 1;
    } else if (sent + window <= end) count.decided += 1;
    else count.pending += 1;
  }
  return {
    from,
    to,
    windowDays: PAYMENT_WINDOW_DAYS,
    channels: CHANNELS.map((channel) => {
      const { decided, followedByPayment, pending } = counts.get(channel)!;
      return { channel, decided, followedByPayment, pending, ratio: decided === 0 ? null : Math.round((followedByPayment / decided) * 1000) / 1000 };
    }),
  };
}
