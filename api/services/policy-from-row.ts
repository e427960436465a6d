import { defaultPolicy } from '../../domain/default-policy.js';
import { type CollectionPolicy, parsePolicy } from '../../domain/policy.js';

interface PolicyRow {
  name: string;
  version: number;
  steps: unknown;
  graceDays: number;
  sendingWindows: unknown;
  feeRules: unknown;
}

/**
 * A stored policy as the domain's type. The table keeps steps, grace, windows and the fee rule;
 * the remaining settings (partial payments, holds, installments, catch-up) come from the default
 * until the policy API (issue #4) stores them too. Validated: a bad row fails loudly here.
 */
export function policyFromRow(row: PolicyRow): CollectionPolicy {
  return parsePolicy({ ...defaultPolicy, name: row.name, version: row.version, steps: row.steps, graceDays: row.graceDays, sendingWindows: row.sendingWindows, feeRule: row.feeRules ?? undefined });
}
