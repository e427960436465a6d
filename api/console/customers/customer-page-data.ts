import type { Client } from '@temporalio/client';
import { defaultPolicy } from '../../../domain/default-policy.js';
import type { CollectionPolicy } from '../../../domain/policy.js';
import { type AgingReport, agingReport } from '../../../domain/reports/aging.js';
import type { Ledger } from '../../../domain/reports/ledger.js';
import type { Customer, PrismaClient } from '../../../prisma/client.js';
import { customerOverview } from '../../services/customer-overview.js';
import { policyFromRow } from '../../services/policy-from-row.js';

type Overview = NonNullable<Awaited<ReturnType<typeof customerOverview>>>;

/** One invoice of the customer, whatever its status, with the live stage of its case when it runs. */
export interface CustomerInvoiceRow {
  readonly invoiceId: string;
  readonly number: string;
  readonly status: string;
  readonly currency: string;
  readonly amountMinor: number;
  readonly balanceMinor: number;
  readonly dueDate: string;
  readonly stage: string | null;
  readonly nextActionAt: string | null;
  readonly pausedByCustomer: boolean;
}

/** Everything the customer page shows, read in one place. */
export interface CustomerPageData {
  readonly customer: Customer;
  readonly invoices: readonly CustomerInvoiceRow[];
  readonly openTotals: Overview['openTotals'];
  /** The open balances by days past due as of today (UTC), each currency on its own. */
  readonly aging: AgingReport;
  readonly pause: Overview['pause'];
  readonly lastContact: Overview['lastContact'];
  readonly nextAction: Overview['nextAction'];
  readonly correspondence: Overview['correspondence'];
  /** The contact caps of the customer's policy (its own, else the default), which `correspondence` counts against. */
  readonly contactCaps: CollectionPolicy['contactCaps'] | null;
}

const day = (date: Date) => date.toISOString().slice(0, 10);

/**
 * The open invoices as a ledger whose amounts are their balances now (with fees, as the cases last
 * recorded them) and no movements, so `agingReport` buckets exactly what is owed today.
 */
export function openBalancesLedger(customer: { id: string; name: string }, open: readonly { invoiceId: string; invoiceNumber: string; currency: string; balanceMinor: number; dueDate: string }[], today: string): Ledger {
  return {
    invoices: open.map((invoice) => ({
      id: invoice.invoiceId,
      number: invoice.invoiceNumber,
      customerId: customer.id,
      customerName: customer.name,
      currency: invoice.currency,
      issueDate: today,
      dueDate: invoice.dueDate,
      amountMinor: invoice.balanceMinor,
    })),
    movements: [],
    messages: [],
    promiseEvents: [],
  };
}

/**
 * The customer page's data: the customer's overview as GET /v1/customers/{id} answers it (open
 * cases with their live stage, totals per currency, pause, last and next contact, caps used),
 * every invoice of the customer from the database, and the aging of what is open. Null when there
 * is no such customer.
 */
export async function loadCustomerPage(deps: { prisma: PrismaClient; temporal: Client }, customerId: string, now = new Date()): Promise<CustomerPageData | null> {
  const overview = await customerOverview(deps, customerId);
  if (!overview) return null;
  const [customer, invoices, storedDefault] = await Promise.all([
    deps.prisma.customer.findUniqueOrThrow({ where: { id: customerId }, include: { policy: true } }),
    deps.prisma.invoice.findMany({ where: { customerId }, orderBy: [{ dueDate: 'asc' }, { number: 'asc' }] }),
    deps.prisma.collectionPolicy.findFirst({ where: { isDefault: true }, orderBy: { createdAt: 'desc' } }),
  ]);
  const open = new Map(overview.openCases.map((row) => [row.invoiceId, row]));
  const { policy: policyRow, ...customerRow } = customer;
  const policy = policyRow ? policyFromRow(policyRow) : storedDefault ? policyFromRow(storedDefault) : defaultPolicy;
  return {
    customer: customerRow,
    invoices: invoices.map((invoice) => {
      const live = open.get(invoice.id);
      return {
        invoiceId: invoice.id,
        number: invoice.number,
        status: invoice.status,
        currency: invoice.currency,
        amountMinor: Number(invoice.amountMinor),
        balanceMinor: Number(invoice.balanceMinor),
        dueDate: day(invoice.dueDate),
        stage: live?.stage ?? null,
        nextActionAt: live?.nextActionAt ?? null,
        pausedByCustomer: live?.pausedByCustomer ?? false,
      };
    }),
    openTotals: overview.openTotals,
    aging: agingReport(openBalancesLedger(customer, overview.openCases, day(now)), day(now)),
    pause: overview.pause,
    lastContact: overview.lastContact,
    nextAction: overview.nextAction,
    correspondence: overview.correspondence,
    contactCaps: policy.contactCaps ?? null,
  };
}
