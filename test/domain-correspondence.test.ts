import { describe, expect, it } from 'vitest';
import { capsAllowAt, nextDispatch } from '../domain/correspondence/dispatch.js';
import type { DeliveryRequest } from '../domain/correspondence/requests.js';
import { renderStatement } from '../domain/statement.js';

const now = Date.parse('2026-11-24T10:00:00Z'); // a Tuesday
const day = 86_400_000;
const weekdays9to17 = { startHour: 9, endHour: 17, weekdays: [1, 2, 3, 4, 5] };

function request(overrides: Partial<DeliveryRequest> & { n?: number } = {}): DeliveryRequest {
  const n = overrides.n ?? 1;
  return {
    requestId: `inv-${n}:email`,
    caseWorkflowId: `collection-inv-${n}`,
    channel: 'email',
    template: 'overdue_notice',
    escalation: 1,
    kind: 'collection',
    line: { invoiceId: `inv-${n}`, invoiceNumber: `N-${n}`, currency: 'EUR', amountMinor: 10_000, balanceMinor: 10_000, feesMinor: 0, dueDate: '2026-10-31' },
    requestedAt: now,
    consolidationMillis: 2 * 3_600_000,
    timezone: 'Europe/Berlin',
    holidays: [],
    ...overrides,
  };
}

describe('when the next message to a customer leaves', () => {
  it('waits the consolidation window from the first request and takes every request of the same channel and currency', () => {
    const plan = nextDispatch([request({ n: 1 }), request({ n: 2, requestedAt: now + 60_000 }), request({ n: 3, line: { ...request().line, invoiceId: 'inv-3', currency: 'USD' } })], [], now);
    expect(plan?.at).toBe(now + 2 * 3_600_000);
    expect(plan?.group.map((r) => r.line.invoiceId)).toEqual(['inv-1', 'inv-2']);
    expect(plan?.waitedFor).toEqual(['consolidation']);
  });

  it('waits for the sending window at the moment it would leave: a night request goes at 09:00 Berlin', () => {
    const night = Date.parse('2026-11-24T23:30:00Z');
    const plan = nextDispatch([request({ requestedAt: night, consolidationMillis: 0, window: weekdays9to17 })], [], night);
    expect(new Date(plan!.at).toISOString()).toBe('2026-11-25T08:00:00.000Z');
    expect(plan?.waitedFor).toEqual(['sending_window']);
  });

  it('sends a receipt at once: no window, no caps, no consolidation', () => {
    const plan = nextDispatch([request({ kind: 'transactional', window: weekdays9to17, caps: { perWeek: 1, perWeekPerChannel: 1, minimumGapMillis: day } })], [{ at: now - 1_000, channel: 'email' }], now);
    expect(plan).toMatchObject({ at: now, waitedFor: [] });
  });
});

describe('contact caps', () => {
  const caps = { perWeek: 3, perWeekPerChannel: 2, minimumGapMillis: 2 * day };
  it('keeps the minimum gap after the last message', () => {
    expect(capsAllowAt([{ at: now - day, channel: 'letter' }], 'email', caps, now)).toBe(now + day);
  });
  it('waits until the oldest message of the week ages out when the week is full', () => {
    const sent = [{ at: now - 6 * day, channel: 'email' as const }, { at: now - 4 * day, channel: 'letter' as const }, { at: now - 2 * day, channel: 'sms' as const }];
    expect(capsAllowAt(sent, 'letter', caps, now)).toBe(now + day); // the message of 6 days ago leaves the week tomorrow
  });
  it('counts per channel too', () => {
    const sent = [{ at: now - 6 * day, channel: 'email' as const }, { at: now - 3 * day, channel: 'email' as const }];
    expect(capsAllowAt(sent, 'email', caps, now)).toBe(now + day);
    expect(capsAllowAt(sent, 'letter', caps, now)).toBe(now);
  });
  it('marks a message held back by a cap', () => {
    const plan = nextDispatch([request({ consolidationMillis: 0, caps })], [{ at: now - day, channel: 'email' }], now);
    expect(plan).toMatchObject({ at: now + day, waitedFor: ['contact_cap'] });
  });
});

describe('a message about several invoices', () => {
  it('lists every invoice with due date, days overdue, open amount with fees and payment link, in the tone of the most escalated', () => {
    const lines = [
      { invoiceId: 'a', invoiceNumber: 'INV-2', currency: 'EUR', amountMinor: 100_000, balanceMinor: 104_000, feesMinor: 4_000, dueDate: '2026-10-31', paymentLink: 'https://pay.example/2' },
      { invoiceId: 'b', invoiceNumber: 'INV-1', currency: 'EUR', amountMinor: 50_000, balanceMinor: 50_000, feesMinor: 0, dueDate: '2026-10-01' },
    ];
    const { subject, text } = renderStatement('final_notice', lines, 'Acme Ltd', 'en-GB', 'Europe/London', now);
    expect(subject).toBe('Final notice: 2 overdue invoices, €1,540.00 outstanding');
    expect(text).toContain('- Invoice INV-1: due 1 October 2026, 54 days overdue; €500.00 open');
    expect(text).toContain('- Invoice INV-2: due 31 October 2026, 24 days overdue; €1,040.00 open (including late fees of €40.00). Pay online: https://pay.example/2');
    expect(text.indexOf('INV-1')).toBeLessThan(text.indexOf('INV-2')); // oldest first
    expect(text).toContain('legal partner');
    expect(renderStatement('overdue_notice', lines, 'Müller GmbH', 'de-DE', 'Europe/Berlin', now).subject).toBe('2 überfällige Rechnungen: offen 1.540,00\u00a0€');
  });
});
