import { type Money, MoneyError, subtract } from './money.js';

export interface PaymentReceived {
  readonly paymentId: string;
  readonly amount: Money;
  readonly method: string;
  /** UTC instant, ISO 8601. */
  readonly receivedAt: string;
}

export type PaymentOutcome =
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'rejected'; readonly reason: string }
  | { readonly kind: 'applied'; readonly balance: Money; readonly fullyPaid: boolean };

/** Applies a payment to an outstanding balance. A payment id seen before changes nothing. */
export function applyPayment(balance: Money, payment: PaymentReceived, seenPaymentIds: ReadonlySet<string>): PaymentOutcome {
  if (seenPaymentIds.has(payment.paymentId)) return { kind: 'duplicate' };
  if (payment.amount.amountMinor <= 0) return { kind: 'rejected', reason: 'amount must be positive' };
  try {
    const remaining = subtract(balance, payment.amount);
    const clamped = remaining.amountMinor < 0 ? { ...remaining, amountMinor: 0 } : remaining;
    return { kind: 'applied', balance: clamped, fullyPaid: clamped.amountMinor === 0 };
  } catch (error) {
    if (error instanceof MoneyError) return { kind: 'rejected', reason: error.message };
    throw error;
  }
}
