import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import type { Client } from '@temporalio/client';
import type { Context } from 'hono';
import type { Logger } from 'pino';
import type { PrismaClient } from '../../prisma/client.js';
import { toJson } from '../json.js';
import { type AuthDependencies, type AuthEnv, authenticate, requireRole } from '../middleware/authenticate.js';
import { idempotency } from '../middleware/idempotency.js';
import { problem } from '../problem.js';
import {
  contactChangeSchema,
  customerContactResultSchema,
  customerIdParam,
  customerOverviewSchema,
  customerPauseResultSchema,
  customerResumeResultSchema,
  pauseCustomerSchema,
  resumeCustomerSchema,
} from '../schemas/customers.js';
import type { CaseFailureReporter } from '../services/case-updates.js';
import { changeCustomerContact } from '../services/customer-contact.js';
import { customerOverview } from '../services/customer-overview.js';
import { pauseCustomer, resumeCustomer } from '../services/customer-pause.js';
import { validationProblem } from '../validation.js';
import { problemResponse, security } from './openapi-parts.js';

export interface CustomerRouteDependencies {
  readonly prisma: PrismaClient;
  readonly temporal: Client;
  /** Where cases run: a pause starts a case whose create has not started it yet. */
  readonly taskQueue: string;
}

const customerId = 'Customers are named by our id (a UUID: `invoice.customer.id` in a case record), not by their external id, which is unique only per source.';
const someCasesFailed = problemResponse('Some cases could not be reached on our side (`cases` in the problem lists each outcome): send the same request again; it finishes what is left and repeats nothing');
const commandProblems = {
  400: problemResponse('Invalid customer id or body, naming the field'),
  401: problemResponse('No or bad API key'),
  403: problemResponse('Wrong role'),
  404: problemResponse('No such customer'),
  503: someCasesFailed,
};
const commandDescription = `Roles: collector, admin. ${customerId}`;

const pauseRoute = createRoute({
  method: 'post',
  path: '/v1/customers/{customerId}/pause',
  tags: ['customers'],
  summary: 'Pause a customer: every open case holds (reason "customer paused: <reason>"); new cases start paused',
  description: `${commandDescription} Sent again while the pause holds, it keeps that pause and pauses any open case not yet held by it. A case already paused by a collector refuses and keeps its own pause.`,
  security,
  request: { params: customerIdParam, body: { content: { 'application/json': { schema: pauseCustomerSchema } }, required: true } },
  responses: { 200: { description: 'The pause and what each open case did', content: { 'application/json': { schema: customerPauseResultSchema } } }, ...commandProblems },
});

const resumeRoute = createRoute({
  method: 'post',
  path: '/v1/customers/{customerId}/resume',
  tags: ['customers'],
  summary: 'Resume a customer: the cases its pause paused resume; a case paused by a collector on its own stays paused',
  description: commandDescription,
  security,
  request: { params: customerIdParam, body: { content: { 'application/json': { schema: resumeCustomerSchema } }, required: true } },
  responses: {
    200: { description: 'The pause that ended and what each of its cases did', content: { 'application/json': { schema: customerResumeResultSchema } } },
    ...commandProblems,
    409: problemResponse('The customer is not paused'),
  },
});

const contactRoute = createRoute({
  method: 'patch',
  path: '/v1/customers/{customerId}/contact',
  tags: ['customers'],
  summary: "Change a customer's contact (email, phone, postal address, timezone, locale): running cases use it from their next message",
  description: `${commandDescription} Only the fields sent change; null removes an email, phone or address. Each running case records in its audit log who changed which fields, and tries again a contact point that bounced before if it changed.`,
  security,
  request: { params: customerIdParam, body: { content: { 'application/json': { schema: contactChangeSchema } }, required: true } },
  responses: { 200: { description: 'The customer as stored, the fields that changed and what each open case did', content: { 'application/json': { schema: customerContactResultSchema } } }, ...commandProblems },
});

const overviewRoute = createRoute({
  method: 'get',
  path: '/v1/customers/{customerId}',
  tags: ['customers'],
  summary: 'A customer: open cases (live stage), total open per currency, pause, last contact and next action',
  description: `Any role. ${customerId}`,
  security,
  request: { params: customerIdParam },
  responses: {
    200: { description: 'The customer', content: { 'application/json': { schema: customerOverviewSchema } } },
    400: problemResponse('Not a customer id'),
    401: problemResponse('No or bad API key'),
    404: problemResponse('No such customer'),
  },
});

const notFound = (c: Context, id: string) => problem(c, 404, { title: 'Not Found', detail: `No customer ${id}.`, errors: [{ field: 'customerId', rule: 'exists', message: 'no such customer' }] });

/** Cases our side could not reach make the whole answer a 503 (not stored under the Idempotency-Key), so the same request can be sent again. */
const withFailures = <T extends { cases: readonly { outcome: string }[] }>(c: Context, answer: T) =>
  answer.cases.some((entry) => entry.outcome === 'failed')
    ? problem(c, 503, { title: 'Some cases could not be reached', detail: 'The cases marked failed could not be told; send the same request again to finish.', ...answer })
    : undefined;

/** Customer-level commands and the customer's overview. Mounted before the case routes, with its own auth and Idempotency-Key. */
export function customerRoutes({ prisma, temporal, taskQueue, apiKeys }: CustomerRouteDependencies & AuthDependencies, logger: Logger): OpenAPIHono<AuthEnv> {
  const routes = new OpenAPIHono<AuthEnv>({ defaultHook: (result, c) => (result.success ? undefined : validationProblem(c, result.error, result.target)) });
  routes.use('/v1/customers/*', authenticate(apiKeys));
  routes.use('/v1/customers/*', idempotency(prisma));
  routes.on('POST', ['/v1/customers/:customerId/pause', '/v1/customers/:customerId/resume'], requireRole('collector'));
  routes.on('PATCH', '/v1/customers/:customerId/contact', requireRole('collector'));

  const failures = (c: Context<AuthEnv>): CaseFailureReporter => ({
    reference: c.get('requestId'),
    report: (invoiceId, error) => logger.error({ requestId: c.get('requestId'), invoiceId, err: error }, 'customer command: a case could not be reached'),
  });

  routes.openapi(pauseRoute, async (c) => {
    const { customerId: id } = c.req.valid('param');
    const paused = await pauseCustomer({ prisma, temporal, taskQueue }, id, c.req.valid('json'), c.get('principal').name, failures(c));
    if (!paused) return notFound(c, id);
    const { pause } = paused;
    const answer = { customerId: id, pause: { id: pause.id, reason: pause.reason, pausedBy: pause.pausedBy, since: pause.pausedAt.toISOString(), until: pause.until?.toISOString() ?? null }, cases: paused.cases };
    return withFailures(c, answer) ?? c.json(answer, 200);
  });

  routes.openapi(resumeRoute, async (c) => {
    const { customerId: id } = c.req.valid('param');
    const resumed = await resumeCustomer({ prisma, temporal }, id, c.get('principal').name, failures(c));
    if (!resumed) return notFound(c, id);
    if (resumed === 'not_paused') return problem(c, 409, { title: 'Not paused', detail: `Customer ${id} is not paused.` });
    const pause = resumed.resumed;
    const answer = {
      customerId: id,
      resumed: pause ? { id: pause.id, reason: pause.reason, pausedBy: pause.pausedBy, since: pause.pausedAt.toISOString(), until: pause.until?.toISOString() ?? null } : null,
      cases: resumed.cases,
    };
    return withFailures(c, answer) ?? c.json(answer, 200);
  });

  routes.openapi(contactRoute, async (c) => {
    const { customerId: id } = c.req.valid('param');
    const changed = await changeCustomerContact({ prisma, temporal }, id, c.req.valid('json'), c.get('principal').name, failures(c));
    if (!changed) return notFound(c, id);
    const answer = { customer: toJson(changed.customer), changed: changed.changed, cases: changed.cases };
    return withFailures(c, answer) ?? c.json(answer, 200);
  });

  routes.openapi(overviewRoute, async (c) => {
    const { customerId: id } = c.req.valid('param');
    const overview = await customerOverview({ prisma, temporal }, id);
    return overview ? c.json(overview, 200) : notFound(c, id);
  });

  return routes;
}
