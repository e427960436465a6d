import { defaultPolicy } from '../../domain/default-policy.js';
import { type CollectionPolicy, parsePolicy } from '../../domain/policy.js';

/**
 * The default policy's ladder (every step and action, its fee rule and prior-notice rules) run in
 * seconds: step n of the ladder at n seconds. What would stretch a second-scale run over days or
 * make it depend on the hour goes: sending windows, consolidation waits, contact caps and the
 * prior-notice gaps (the notices are still required, only the 10 days between shrink to none).
 */
export function secondScaleDefaultPolicy(): CollectionPolicy {
  const priorNotice = Object.fromEntries(Object.entries(defaultPolicy.priorNotice ?? {}).map(([action, rule]) => [action, { ...rule, minimum: 'PT0S' }]));
  return parsePolicy({
    ...defaultPolicy,
    name: 'default-seconds',
    graceDays: 0,
    sendingWindows: null,
    steps: defaultPolicy.steps.map((step, index) => ({ ...step, offset: `PT${index + 1}S` })),
    installmentReminderBefore: 'PT1S',
    installmentGrace: 'PT1S',
    consolidation: undefined,
    contactCaps: undefined,
    priorNotice,
  });
}
