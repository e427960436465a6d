import { randomUUID } from 'node:crypto';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Client } from '@temporalio/client';
import type { LegalPartner } from '../../activities/providers/legal-partner.js';
import type { Logger } from 'pino';
import type { PrismaClient } from '../../prisma/client.js';
import { caseStateQuery, collectionWorkflowId } from '../../workflows/definitions.js';
import { toJson } from '../json.js';
import { type AuthDependencies, authenticate, requireRole } from '../middleware/authenticate.js';
import { answerTakenKey, idempotency, type IdempotencyEnv } from '../middleware/idempotency.js';
import { problem } from '../problem.js';
import { bulkImportResultSchema, bulkImportSchema } from '../schemas/bulk-import.js';
import { caseRecordInclude, caseRecordSchema } from '../schemas/case-record.js';
import { invoiceIdParam } from '../schemas/commands.js';
import { type CreateInvoice, createInvoiceSchema } from '../schemas/invoice.js';
import { caseListSchema, listCasesQuery } from '../schemas/list.js';
import { bulkImport } from '../services/bulk-import.js';
import { caseWorkflowId } from '../services/case-command.js';
import { isClosedStatus } from '../services/closed-case.js';
import { createCase, type CreateCaseOutcome } from '../services/create-case.js';
import { listCases } from '../services/list-cases.js';
import { commands } from './commands.js';
import { problemResponse, security } from './openapi-parts.js';
import { validationProblem } from '../validation.js';
import type { ProviderWebhookSettings } from '../webhooks/providers.js';

export interface CaseRouteDependencies {
  readonly prisma: PrismaClient;
  readonly temporal: Client;
  readonly taskQueue: string;
  /** Rows of a bulk import created at once (config BULK_IMPORT_CONCURRENCY). */
  readonly bulkImportConcurrency?: number;
  /** HMAC secret of the payment processor's webhook; without it the webhook route is not served. */
  readonly paymentWebhookSecret?: string;
  /** Told of payments on cases it holds (the workflow that handed them off has ended). */
  readonly legalPartner: LegalPartner;
  /** Verification settings of the providers' delivery webhooks; a provider without them gets no route. */
  readonly providerWebhooks?: ProviderWebhookSettings;
}

const invoiceCaseSchema = z
  .strictObject({
    invoiceId: z.string(),
    workflowId: z.string(),
    created: z.boolean(),
    invoiceStatus: z.string().openapi({ description: 'The invoice row’s status (open, paid, cancelled, written_off, legal…)' }),
    closed: z.boolean().openapi({ description: 'The case has ended (paid, cancelled, written off or handed to legal): nothing was started' }),
    balanceMinor: z.number().int(),
  })
  .openapi('InvoiceCase');

const createInvoiceRoute = createRoute({
  method: 'post',
  path: '/v1/invoices',
  tags: ['cases'],
  summary: 'Create an invoice and start its collection case (idempotent)',
  security,
  request: { body: { content: { 'application/json': { schema: createInvoiceSchema } }, required: true } },
  responses: {
    201: { description: 'Created; the case runs', content: { 'application/json': { schema: invoiceCaseSchema } } },
    200: { description: 'The same invoice was sent before: its existing case, also when that case has ended (it is never started again)', content: { 'application/json': { schema: invoiceCaseSchema } } },
    400: problemResponse('Invalid body'),
    401: problemResponse('No or bad API key'),
    403: problemResponse('Wrong role'),
    409: problemResponse('The same external id with different content'),
    422: problemResponse('A policy the invoice or its customer names does not exist'),
  },
});

const bulkImportRoute = createRoute({
  method: 'post',
  path: '/v1/invoices/bulk',
  tags: ['cases'],
  summary: 'Import a backlog: up to 5000 invoices, each created (or found) on its own, with a result per row',
  security,
  request: { body: { content: { 'application/json': { schema: bulkImportSchema } }, required: true } },
  responses: {
    200: { description: 'A result per row, in order: created, existing, conflict (with fields), invalid (with errors) or failed', content: { 'application/json': { schema: bulkImportResultSchema } } },
    400: problemResponse('Not a list of invoices'),
    401: problemResponse('No or bad API key'),
    403: problemResponse('Wrong role'),
  },
});

const getCaseRoute = createRoute({
  method: 'get',
  path: '/v1/cases/{invoiceId}',
  tags: ['cases'],
  summary: 'Read a case: the invoice record, the live workflow state and the audit log',
  security,
  request: { params: invoiceIdParam },
  responses: {
    200: { description: 'The case', content: { 'application/json': { schema: caseRecordSchema } } },
    400: problemResponse('Not a case id'),
    401: problemResponse('No or bad API key'),
    404: problemResponse('No such invoice'),
  },
});

const listCasesRoute = createRoute({
  method: 'get',
  path: '/v1/cases',
  tags: ['cases'],
  summary: 'List and filter cases (from Temporal visibility), paginated',
  security,
  request: { query: listCasesQuery },
  responses: {
    200: { description: 'One page of cases', content: { 'application/json': { schema: caseListSchema } } },
    400: problemResponse('Invalid filter'),
    401: problemResponse('No or bad API key'),
  },
});

type CaseOutcome = Extract<CreateCaseOutcome, { kind: 'created' | 'existing' }>;

/** POST /v1/invoices's answer body. */
function createAnswer(outcome: CaseOutcome) {
  return { invoiceId: outcome.invoiceId, workflowId: outcome.workflowId, created: outcome.kind === 'created', invoiceStatus: outcome.invoiceStatus, closed: isClosedStatus(outcome.invoiceStatus), balanceMinor: Number(outcome.balanceMinor) };
}

/** What the create answers when its statement inserts the invoice under `invoiceId` (a new invoice is open, its balance the whole amount). */
function newInvoiceOutcome(invoiceId: string, body: CreateInvoice): CaseOutcome {
  return { kind: 'created', invoiceId, workflowId: collectionWorkflowId(invoiceId), invoiceStatus: 'open', balanceMinor: BigInt(body.amountMinor) };
}

/**
 * A replay of a create whose answer is provisional (its request may have died between its
 * statement and the start): the same create again finds the invoice and starts its case unless
 * it runs already. Confirmed when the invoice found is the one the answer names.
 */
async function confirmCreated(deps: Parameters<typeof createCase>[0], body: CreateInvoice, actor: string, provisional: unknown): Promise<boolean> {
  const again = await createCase(deps, body, actor);
  return again.kind === 'existing' && again.invoiceId === (provisional as { invoiceId?: unknown } | null)?.invoiceId;
}

/** The case routes under /v1. Each command is the workflow's update, so refusals are answered, not lost. */
export function caseRoutes({ prisma, temporal, taskQueue, legalPartner, bulkImportConcurrency, apiKeys }: CaseRouteDependencies & AuthDependencies, logger: Logger): OpenAPIHono<IdempotencyEnv> {
  const routes = new OpenAPIHono<IdempotencyEnv>({
    defaultHook: (result, c) => (result.success ? undefined : validationProblem(c, result.error, result.target)),
  });
  routes.use('/v1/*', authenticate(apiKeys));
  // The create claims its Idempotency-Key in the statement that writes the invoice: one round trip fewer.
  routes.use('/v1/*', idempotency(prisma, { claimedByRoute: (c) => c.req.path === createInvoiceRoute.path }));
  routes.use('/v1/invoices', requireRole('system'));
  routes.use('/v1/invoices/bulk', requireRole('system'));

  routes.openapi(createInvoiceRoute, async (c) => {
    const body = c.req.valid('json');
    const actor = c.get('principal').name;
    const deps = { prisma, temporal, taskQueue };
    const keyClaim = c.get('keyClaim');
    const invoiceId = randomUUID();
    // The answer a new invoice gets is stored with the key's claim: no statement after the start.
    if (keyClaim) keyClaim.provisionalAnswer = { status: 201, json: JSON.stringify(createAnswer(newInvoiceOutcome(invoiceId, body))) };
    const outcome = await createCase(deps, body, actor, { invoiceId, ...(keyClaim ? { keyClaim } : {}) });
    if (outcome.kind === 'key_taken') return answerTakenKey(c, prisma, keyClaim!, (provisional) => confirmCreated(deps, body, actor, provisional)) as never;
    if (outcome.kind === 'unknown_policy') {
      return problem(c, 422, { title: 'Unknown policy', detail: `No collection policy ${outcome.ref}.`, errors: [{ field: outcome.field, rule: 'exists', message: `no policy ${outcome.ref}` }] });
    }
    if (outcome.kind === 'conflict') {
      return problem(c, 409, {
        title: 'Conflicting invoice',
        detail: `An invoice with this source and externalId exists with different ${outcome.fields.join(', ')}.`,
        invoiceId: outcome.invoiceId,
        errors: outcome.fields.map((field) => ({ field, rule: 'conflict', message: 'differs from the invoice already received' })),
      });
    }
    const answer = createAnswer(outcome);
    const status = outcome.kind === 'created' ? 201 : 200;
    if (keyClaim) keyClaim.answer = { status, json: JSON.stringify(answer) };
    return c.json(answer, status);
  });

  routes.openapi(bulkImportRoute, async (c) => {
    const requestId = c.get('requestId');
    const results = await bulkImport({ prisma, temporal, taskQueue }, c.req.valid('json').invoices, {
      actor: c.get('principal').name,
      reference: requestId,
      ...(bulkImportConcurrency ? { concurrency: bulkImportConcurrency } : {}),
      reportFailure: (index, error) => logger.error({ requestId, row: index, err: error }, 'bulk import row failed'),
    });
    const summary: Partial<Record<(typeof results)[number]['status'], number>> = {};
    for (const result of results) summary[result.status] = (summary[result.status] ?? 0) + 1;
    return c.json({ summary, results }, 200);
  });

  routes.openapi(listCasesRoute, async (c) => c.json(await listCases(temporal, temporal.options.namespace, c.req.valid('query')), 200));

  routes.openapi(getCaseRoute, async (c) => {
    const { invoiceId } = c.req.valid('param');
    const invoice = await prisma.invoice.findUnique({ where: { id: invoiceId }, include: { ...caseRecordInclude, events: { orderBy: [{ sequence: { sort: 'asc', nulls: 'last' } }, { occurredAt: 'asc' }] } } });
    if (!invoice) return problem(c, 404, { title: 'Not Found', detail: `No invoice ${invoiceId}.` });
    const { events, ...record } = invoice;
    const state = await temporal.workflow
      .getHandle(caseWorkflowId(invoice))
      .query(caseStateQuery)
      .catch(() => null); // a case that ended long ago may be gone from Temporal; the record remains
    return c.json({ invoice: toJson(record), state, events: events.map(toJson) }, 200);
  });

  for (const command of commands) command.register(routes, { prisma, temporal, legalPartner });

  return routes;
}
