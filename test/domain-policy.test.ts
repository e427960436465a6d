import { describe, expect, it } from 'vitest';
import { defaultPolicy } from '../domain/default-policy.js';
import { lateFeeMinor } from '../domain/fees.js';
import { parsePolicy, PolicyValidationError } from '../domain/policy.js';

const valid = () => structuredClone(defaultPolicy) as unknown as Record<string, unknown> & { steps: Record<string, unknown>[] };

function problemsOf(data: unknown): string[] {
  try {
    parsePolicy(data);
  } catch (error) {
    if (error instanceof PolicyValidationError) return error.problems;
    throw error;
  }
  throw new Error('expected the policy to be refused');
}

describe('collection policy validation', () => {
  it('accepts the default policy, which follows the documented ladder', () => {
    expect(parsePolicy(valid()).steps.map((s) => `${s.offset} ${s.actions.map((a) => a.type).join('+')}`)).toEqual([
      '-P3D email',
      'P1D email',
      'P15D email',
      'P30D letter',
      'P31D late_fee',
      'P45D call_task',
      'P60D email+letter',
      'P90D legal_handoff',
    ]);
  });

  it('refuses an unknown action, naming where', () => {
    const policy = valid();
    policy.steps[1] = { id: 'overdue_notice', offset: 'P1D', actions: [{ type: 'fax' }] };
    expect(problemsOf(policy)).toEqual([expect.stringMatching(/^steps\.1\.actions\.0\.type: must be one of email, sms, letter, call_task, late_fee, legal_handoff/)]);
  });

  it('refuses a policy of 51 steps and a step of 7 actions, naming the limit', () => {
    const long = valid();
    long.steps = Array.from({ length: 51 }, (_, i) => ({ id: `step_${i}`, offset: `P${i + 1}D`, actions: [{ type: 'email', template: 'overdue_notice' }] }));
    expect(problemsOf(long)).toEqual(['steps: a policy has at most 50 steps']);
    long.steps = long.steps.slice(0, 50);
    expect(parsePolicy(long).steps).toHaveLength(50);
    const busy = valid();
    busy.steps[1] = { id: 'overdue_notice', offset: 'P1D', actions: Array.from({ length: 7 }, () => ({ type: 'email', template: 'overdue_notice' })) };
    expect(problemsOf(busy)).toEqual(['steps.1.actions: a step has at most 6 actions']);
  });

  it('refuses offsets that are not durations or not in order', () => {
    const policy = valid();
    policy.steps[2] = { ...policy.steps[2], offset: 'fifteen days' };
    expect(problemsOf(policy).join('\n')).toMatch(/steps\.2\.offset: must be an ISO 8601 duration/);
    const unordered = valid();
    unordered.steps[3] = { ...unordered.steps[3], offset: 'P10D' };
    expect(problemsOf(unordered).join('\n')).toMatch(/steps\.3\.offset: offsets must increase: P10D is not after P15D/);
  });

  it('refuses a fee step without a fee rule, and a fee rule without its amount', () => {
    const noRule = valid();
    delete noRule.feeRule;
    expect(problemsOf(noRule).join('\n')).toMatch(/steps\.4\.actions\.0: a late_fee action needs the policy to have a feeRule/);
    const noAmount = valid();
    noAmount.feeRule = { kind: 'flat', recurrence: 'once' };
    expect(problemsOf(noAmount).join('\n')).toMatch(/feeRule\.amountMinor: a flat fee rule needs amountMinor/);
  });

  it('refuses a late fee inside the grace period', () => {
    const policy = valid();
    policy.graceDays = 40;
    expect(problemsOf(policy).join('\n')).toMatch(/steps\.4\.offset: a late fee cannot come before the grace period of 40 days/);
  });

  it('accepts second-scale steps for tests', () => {
    const policy = valid();
    policy.graceDays = 0;
    policy.sendingWindows = null;
    policy.steps = [
      { id: 'one', offset: 'PT1S', actions: [{ type: 'email', template: 'x' }] },
      { id: 'two', offset: 'PT2S', actions: [{ type: 'late_fee' }] },
    ];
    expect(parsePolicy(policy).steps).toHaveLength(2);
  });
});

describe('late fees', () => {
  it('charges a flat fee', () => {
    expect(lateFeeMinor({ kind: 'flat', amountMinor: 4_000, recurrence: 'once' }, 100_000, 0)).toBe(4_000);
  });

  it('charges a percentage of the balance, rounded half up', () => {
    expect(lateFeeMinor({ kind: 'percent', basisPoints: 150, recurrence: 'once' }, 100_000, 0)).toBe(1_500);
    expect(lateFeeMinor({ kind: 'percent', basisPoints: 150, recurrence: 'once' }, 33_333, 0)).toBe(500); // 499.995
    expect(lateFeeMinor({ kind: 'percent', basisPoints: 150, recurrence: 'once' }, 33_300, 0)).toBe(500); // 499.5
    expect(lateFeeMinor({ kind: 'percent', basisPoints: 150, recurrence: 'once' }, 33_299, 0)).toBe(499); // 499.485
  });

  it('stays exact for very large balances', () => {
    expect(lateFeeMinor({ kind: 'percent', basisPoints: 9_999, recurrence: 'once' }, 9_007_199_254_740_991, 0)).toBe(9_006_298_534_815_517);
  });

  it('never passes the cap across charges', () => {
    const rule = { kind: 'percent', basisPoints: 500, capMinor: 8_000, recurrence: 'monthly' } as const;
    expect(lateFeeMinor(rule, 100_000, 0)).toBe(5_000);
    expect(lateFeeMinor(rule, 100_000, 5_000)).toBe(3_000);
    expect(lateFeeMinor(rule, 100_000, 8_000)).toBe(0);
  });

  it('charges nothing on a settled balance', () => {
    expect(lateFeeMinor({ kind: 'flat', amountMinor: 4_000, recurrence: 'once' }, 0, 0)).toBe(0);
  });
});
