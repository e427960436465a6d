import type { PrismaClient } from '../../prisma/client.js';
import type { Ledger, LedgerMessage, LedgerMovement, LedgerPromiseEvent, MessageChannel } from '../../domain/reports/ledger.js';

const CHANNELS: ReadonlySet<string> = new Set<MessageChannel>(['email', 'sms', 'letter', 'call_task']);
const PAYMENT_KINDS = ['payment_applied', 'payment_settled_invoice'];
const CLOSING_KINDS = ['invoice_written_off', 'invoice_cancelled'];

const day = (date: Date) => date.toISOString().slice(0, 10);
const detail = (details: unknown, key: string): unknown => (typeof details === 'object' && details !== null && !Array.isArray(details) ? (details as Record<string, unknown>)[key] : undefined);

/**
 * The one place the reports read the database: every invoice issued before `before`, and what
 * happened to it before then (payments, fees and waivers, dispute credits, write-offs and
 * cancellations, messages sent, promises to pay and how they ended), as the plain ledger
 * domain/reports computes from. Cases still running count from what they have recorded.
 */
export async function loadLedger(prisma: PrismaClient, before: Date): Promise<Ledger> {
  const [invoices, payments, fees, disputes, events] = await Promise.all([
    prisma.invoice.findMany({
      where: { issueDate: { lt: before } },
      select: { id: true, number: true, customerId: true, issueDate: true, dueDate: true, amountMinor: true, currency: true, customer: { select: { name: true } } },
    }),
    prisma.payment.findMany({ where: { receivedAt: { lt: before } }, select: { invoiceId: true, amountMinor: true, currency: true, receivedAt: true } }),
    prisma.feeLedgerEntry.findMany({ where: { postedAt: { lt: before } }, select: { invoiceId: true, kind: true, amountMinor: true, currency: true, postedAt: true } }),
    prisma.dispute.findMany({ where: { resolvedAt: { lt: before }, resolution: { in: ['credited', 'cancelled'] } }, select: { invoiceId: true, resolution: true, creditAmountMinor: true, resolvedAt: true } }),
    prisma.collectionEvent.findMany({
      where: {
        occurredAt: { lt: before },
        OR: [{ kind: { in: ['step_sent', 'prior_notice_sent', 'promise_to_pay', 'promise_broken', ...CLOSING_KINDS] } }, { kind: { in: PAYMENT_KINDS }, details: { path: ['promiseKept'], equals: true } }],
      },
      select: { invoiceId: true, kind: true, action: true, details: true, occurredAt: true },
    }),
  ]);

  // Money in another currency than its invoice's is never added to it (the case refuses such a
  // payment; this keeps a stray row from mixing currencies in a report).
  const currencyOf = new Map(invoices.map((i) => [i.id, i.currency]));
  const inInvoiceCurrency = (row: { invoiceId: string; currency: string }) => currencyOf.get(row.invoiceId) === row.currency;
  const movements: LedgerMovement[] = [
    ...payments.filter(inInvoiceCurrency).map((p) => ({ invoiceId: p.invoiceId, kind: 'payment' as const, amountMinor: Number(p.amountMinor), at: p.receivedAt.toISOString() })),
    // Fee entries are signed (waivers negative); the ledger says which way by its kind.
    ...fees.filter(inInvoiceCurrency).map((f) => ({ invoiceId: f.invoiceId, kind: f.kind === 'late_fee' ? ('fee' as const) : ('waiver' as const), amountMinor: Math.abs(Number(f.amountMinor)), at: f.postedAt.toISOString() })),
    ...disputes.map((d) => ({ invoiceId: d.invoiceId, kind: d.resolution === 'credited' ? ('credit' as const) : ('closed' as const), amountMinor: Number(d.creditAmountMinor ?? 0), at: d.resolvedAt!.toISOString() })),
    ...events.filter((e) => CLOSING_KINDS.includes(e.kind)).map((e) => ({ invoiceId: e.invoiceId, kind: 'closed' as const, amountMinor: Number(detail(e.details, 'balanceMinor') ?? 0), at: e.occurredAt.toISOString() })),
  ];
  const messages: LedgerMessage[] = [];
  const promiseEvents: LedgerPromiseEvent[] = [];
  for (const event of events) {
    const at = event.occurredAt.toISOString();
    if (event.kind === 'step_sent' || event.kind === 'prior_notice_sent') {
      const channel = String(detail(event.details, 'channel') ?? event.action ?? '');
      if (CHANNELS.has(channel)) messages.push({ invoiceId: event.invoiceId, channel: channel as MessageChannel, sentAt: at });
    } else if (event.kind === 'promise_to_pay') promiseEvents.push({ invoiceId: event.invoiceId, kind: 'made', at });
    else if (event.kind === 'promise_broken') promiseEvents.push({ invoiceId: event.invoiceId, kind: 'broken', at });
    else if (PAYMENT_KINDS.includes(event.kind)) promiseEvents.push({ invoiceId: event.invoiceId, kind: 'kept', at });
  }
  return {
    invoices: invoices.map((i) => ({
      id: i.id,
      number: i.number,
      customerId: i.customerId,
      customerName: i.customer.name,
      currency: i.currency,
      issueDate: day(i.issueDate),
      dueDate: day(i.dueDate),
      amountMinor: Number(i.amountMinor),
    })),
    movements,
    messages,
    promiseEvents,
  };
}
