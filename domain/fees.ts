import type { FeeRule } from './policy.js';

/**
 * The late fee to charge now, in minor units: flat, or a percentage of the balance (basis points,
 * rounded half up), never taking the total of this rule's fees past its cap. BigInt inside so a
 * large balance times basis points cannot lose precision.
 */
export function lateFeeMinor(rule: FeeRule, balanceMinor: number, alreadyChargedMinor: number): number {
  if (balanceMinor <= 0) return 0;
  const raw = rule.kind === 'flat' ? BigInt(rule.amountMinor ?? 0) : (BigInt(balanceMinor) * BigInt(rule.basisPoints ?? 0) + 5_000n) / 10_000n;
  const room = rule.capMinor === undefined ? raw : BigInt(Math.max(0, rule.capMinor - alreadyChargedMinor));
  return Number(raw < room ? raw : room);
}
