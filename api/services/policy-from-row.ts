import { defaultPolicy } from '../../domain/default-policy.js';
import { type CollectionPolicy, parsePolicy } from '../../domain/policy.js';

interface PolicyRow {
  name: string;
  version: number;
  steps: unknown;
  graceDays: number;
  sendingWindows: unknown;
  feeRules: unknown;
  settings: unknown;
}

const emptyToUndefined = (value: unknown) => (value && typeof value === 'object' && Object.keys(value).length === 0 ? undefined : value);

/**
 * A stored policy as the domain's type. Rows written before `settings` existed (or by hand) take
 * the settings they lack from the default. Validated: a bad row fails loudly here.
 */
export function policyFromRow(row: PolicyRow): CollectionPolicy {
  const { name: _n, version: _v, steps: _s, graceDays: _g, sendingWindows: _w, feeRule: _f, ...defaults } = defaultPolicy;
  return parsePolicy({
    ...defaults,
    ...((row.settings as object | null) ?? {}),
    name: row.name,
    version: row.version,
    steps: row.steps,
    graceDays: row.graceDays,
    sendingWindows: emptyToUndefined(row.sendingWindows) ?? null,
    feeRule: emptyToUndefined(row.feeRules),
  });
}
