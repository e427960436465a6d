import type { Client } from '@temporalio/client';
import { ladder, type LadderRow } from '../../../domain/case/ladder.js';
import { defaultPolicy } from '../../../domain/default-policy.js';
import type { CollectionPolicy } from '../../../domain/policy.js';
import { choosePolicy } from '../../../domain/policy-selection.js';
import type { PrismaClient } from '../../../prisma/client.js';
import { type CaseView, caseStateQuery } from '../../../workflows/definitions.js';
import { caseWorkflowId } from '../../services/case-command.js';
import { isClosedStatus } from '../../services/closed-case.js';
import { policyFromRow } from '../../services/policy-from-row.js';

/** One entry of the case's audit log, as the timeline shows it. */
export interface TimelineEntry {
  readonly at: string;
  readonly category: string;
  readonly kind: string;
  readonly actor: string;
  readonly action: string | null;
  readonly details: unknown;
}

/** The money of the case in its invoice's currency (integer minor units). */
export interface CaseMoney {
  readonly currency: string;
  readonly amountMinor: number;
  readonly feesMinor: number;
  readonly paidMinor: number;
  readonly creditedMinor: number;
  readonly balanceMinor: number;
}

/** Everything the case page shows, read in one place. */
export interface CasePageData {
  readonly invoice: { readonly id: string; readonly number: string; readonly status: string; readonly issueDate: string; readonly dueDate: string; readonly paymentLink: string | null };
  readonly customer: { readonly id: string; readonly name: string; readonly timezone: string; readonly locale: string };
  /** The live case (Temporal's query), null when Temporal no longer holds it. */
  readonly state: CaseView | null;
  /** The invoice row says the case has ended (paid, cancelled, written off, with the legal partner): the record, not Temporal, answers. */
  readonly closed: boolean;
  readonly money: CaseMoney;
  readonly policy: { readonly name: string; readonly version: number } | null;
  readonly ladder: readonly LadderRow[];
  readonly timeline: readonly TimelineEntry[];
}

const day = (date: Date) => date.toISOString().slice(0, 10);

/**
 * The policy the case follows: the one its live state names (policies are immutable per name and
 * version), else the one its creation would pick (invoice's, customer's, stored default, built-in).
 */
async function casePolicy(prisma: PrismaClient, named: CaseView['policy'] | null, invoice: { policy: PolicyRow | null; customer: { policy: PolicyRow | null } }): Promise<CollectionPolicy> {
  if (named) {
    const row = await prisma.collectionPolicy.findUnique({ where: { name_version: { name: named.name, version: named.version } } });
    if (row) return policyFromRow(row);
    if (named.name === defaultPolicy.name && named.version === defaultPolicy.version) return defaultPolicy;
  }
  const storedDefault = await prisma.collectionPolicy.findFirst({ where: { isDefault: true }, orderBy: { createdAt: 'desc' } });
  return choosePolicy({
    invoice: invoice.policy ? policyFromRow(invoice.policy) : null,
    customer: invoice.customer.policy ? policyFromRow(invoice.customer.policy) : null,
    fallback: storedDefault ? policyFromRow(storedDefault) : defaultPolicy,
  });
}
type PolicyRow = Parameters<typeof policyFromRow>[0];

/**
 * The case page's data: the invoice record, its customer, payments and fee entries and its audit
 * log from the database (as GET /v1/cases/{id} reads them), the live state from the case's query
 * when Temporal still holds it, and the ladder worked out from the policy and the audit log.
 * Null when there is no such invoice.
 */
export async function loadCasePage({ prisma, temporal }: { prisma: PrismaClient; temporal: Client }, invoiceId: string): Promise<CasePageData | null> {
  const invoice = await prisma.invoice.findUnique({
    where: { id: invoiceId },
    include: {
      customer: { include: { policy: true } },
      policy: true,
      payments: { select: { amountMinor: true, currency: true } },
      feeEntries: { select: { amountMinor: true, currency: true } },
      disputes: { select: { creditAmountMinor: true } },
      events: { orderBy: [{ sequence: { sort: 'asc', nulls: 'last' } }, { occurredAt: 'asc' }] },
    },
  });
  if (!invoice) return null;
  const closed = isClosedStatus(invoice.status);
  // A case that ended long ago may be gone from Temporal; the record remains.
  const state = await temporal.workflow
    .getHandle(caseWorkflowId(invoice))
    .query(caseStateQuery)
    .catch(() => null);
  const sum = (rows: { amountMinor: bigint; currency: string }[]) => rows.filter((row) => row.currency === invoice.currency).reduce((total, row) => total + Number(row.amountMinor), 0);
  const money: CaseMoney = state
    ? { currency: state.currency, amountMinor: state.amountMinor, feesMinor: state.feesMinor, paidMinor: state.paidMinor, creditedMinor: state.creditedMinor, balanceMinor: state.balanceMinor }
    : {
        currency: invoice.currency,
        amountMinor: Number(invoice.amountMinor),
        feesMinor: sum(invoice.feeEntries),
        paidMinor: sum(invoice.payments),
        creditedMinor: invoice.disputes.reduce((total, dispute) => total + Number(dispute.creditAmountMinor ?? 0n), 0),
        balanceMinor: Number(invoice.balanceMinor),
      };
  const policy = await casePolicy(prisma, state?.policy ?? null, invoice);
  const events = invoice.events.map((event) => ({ at: event.occurredAt.toISOString(), category: event.category, kind: event.kind, actor: event.actor, action: event.action, details: event.details }));
  return {
    invoice: { id: invoice.id, number: invoice.number, status: invoice.status, issueDate: day(invoice.issueDate), dueDate: day(invoice.dueDate), paymentLink: invoice.paymentLink },
    customer: { id: invoice.customer.id, name: invoice.customer.name, timezone: invoice.customer.timezone, locale: invoice.customer.locale },
    state,
    closed: closed || Boolean(state?.closed),
    money,
    policy: state?.policy ?? { name: policy.name, version: policy.version },
    ladder: ladder({
      steps: policy.steps,
      dueDate: day(invoice.dueDate),
      timezone: invoice.customer.timezone,
      events: events.map((event) => ({ kind: event.kind, action: event.action, details: event.details, occurredAt: event.at })),
      nextStepId: state?.nextStep ?? null,
      nextAction: state?.nextAction ?? null,
      closed: closed || Boolean(state?.closed),
      live: state !== null,
    }),
    timeline: events,
  };
}
