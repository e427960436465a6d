import { describe, expect, it } from 'vitest';
import { renderMessage, type TemplateData } from '../domain/templates.js';

const data: TemplateData = {
  customerName: 'Acme Ltd',
  invoiceNumber: 'INV-7',
  currency: 'EUR',
  amountMinor: 100_000,
  balanceMinor: 104_000,
  feesMinor: 4_000,
  dueDate: '2026-10-31',
  daysOverdue: 22,
  paymentLink: 'https://pay.example/INV-7',
};

describe('message templates', () => {
  it('renders English with amounts incl. fees, due date, days overdue and the payment link', () => {
    const { subject, text } = renderMessage('overdue_notice', data, 'en-GB', 'Europe/London');
    expect(subject).toBe('Invoice INV-7 is 22 days overdue');
    expect(text).toContain('€1,040.00 (including late fees of €40.00) outstanding on invoice INV-7, due on 31 October 2026, now 22 days overdue');
    expect(text).toContain('Pay online: https://pay.example/INV-7');
  });

  it('renders German wording and German formats for a German customer', () => {
    const { subject, text } = renderMessage('final_notice', data, 'de-DE', 'Europe/Berlin');
    expect(subject).toBe('Letzte Mahnung: Rechnung INV-7 ist seit 22 Tagen überfällig');
    expect(text).toContain('Offen sind 1.040,00\u00a0€ (einschließlich Mahngebühren von 40,00\u00a0€).');
    expect(text).toContain('31. Oktober 2026');
  });

  it('falls back to English words with the locale’s own formats', () => {
    const { text } = renderMessage('overdue_notice', data, 'fr-FR', 'Europe/Paris');
    expect(text).toMatch(/1\s040,00\s€ \(including late fees of 40,00\s€\) outstanding/);
    expect(text).toContain('31 octobre 2026');
  });

  it('shows an installment deadline given as an instant in the customer’s time', () => {
    const { text } = renderMessage('installment_reminder', { ...data, installment: { sequence: 2, dueDate: '2026-12-01T16:00:00Z', amountMinor: 52_000 } }, 'en-US', 'America/New_York');
    expect(text).toMatch(/installment 2 of €520\.00 due on December 1, 2026 at 11:00\sAM/);
  });

  it('leaves out fees and the payment link when there are none', () => {
    const { text } = renderMessage('courtesy_reminder', { ...data, feesMinor: 0, balanceMinor: 100_000, paymentLink: undefined } as TemplateData, 'en-GB', 'Europe/London');
    expect(text).not.toContain('late fees');
    expect(text).not.toContain('Pay online');
  });
});
