import { createRoute, type OpenAPIHono, type z } from '@hono/zod-openapi';
import type { UpdateDefinition } from '@temporalio/common';
import type { Context } from 'hono';
import {
  agreePaymentPlanUpdate,
  callOutcomeUpdate,
  type CaseView,
  openDisputeUpdate,
  pauseUpdate,
  recordPaymentUpdate,
  resolveDisputeUpdate,
  resumeUpdate,
  waiveFeeUpdate,
  cancelUpdate,
  writeOffUpdate,
} from '../../workflows/definitions.js';
import type { Role } from '../auth/api-keys.js';
import { type AuthEnv, requireRole } from '../middleware/authenticate.js';
import {
  agreePaymentPlanSchema,
  callOutcomeSchema,
  closeCaseSchema,
  invoiceIdParam,
  openDisputeSchema,
  pauseSchema,
  recordPaymentSchema,
  resolveDisputeSchema,
  resumeSchema,
  waiveFeeSchema,
} from '../schemas/commands.js';
import { commandCase } from '../services/case-command.js';
import { type PaymentDependencies, type PaymentOutcome, recordPayment } from '../services/payment-command.js';
import { caseViewSchema, paymentAfterCloseSchema, problemResponse, security } from './openapi-parts.js';

/** One HTTP command: a body schema, the workflow update it becomes, and who may send it. */
interface Command<S extends z.ZodType> {
  readonly path: string;
  readonly summary: string;
  readonly schema: S;
  readonly roles: Role[];
  readonly update: UpdateDefinition<CaseView, [never]>;
  /** Fills in what the server knows (the time, for example) before the update is sent. */
  readonly prepare?: (body: z.infer<S>) => Record<string, unknown>;
  /** Runs the command instead of sending the update as is (payments: recorded even when the case has ended). */
  readonly run?: (c: Context, deps: PaymentDependencies, invoiceId: string, payload: never) => Promise<PaymentOutcome>;
  readonly extraResponses?: Record<number, unknown>;
}

const command = <S extends z.ZodType>(c: Command<S>) => c;

export const commands = [
  command({
    path: 'payments',
    summary: 'Record a payment (a payment id seen before changes nothing); on a case that has ended it is recorded on the invoice (202)',
    schema: recordPaymentSchema,
    roles: ['system'],
    update: recordPaymentUpdate as never,
    prepare: (b) => ({ ...b, receivedAt: b.receivedAt ?? new Date().toISOString() }),
    run: recordPayment,
    extraResponses: {
      202: { description: 'The case had ended (paid, cancelled, written off, with the legal partner): the payment is recorded on the invoice, the legal partner told', content: { 'application/json': { schema: paymentAfterCloseSchema } } },
      502: problemResponse('The case is with the legal partner, the payment is recorded, but the partner could not be told: send the same payment again'),
      503: problemResponse('The case is ending at this moment: send the payment again shortly (Retry-After)'),
    },
  }),
  command({ path: 'disputes', summary: 'Open a dispute: escalation stops', schema: openDisputeSchema, roles: ['collector'], update: openDisputeUpdate as never }),
  command({ path: 'disputes/resolve', summary: 'Resolve the dispute: resume, credit or cancel', schema: resolveDisputeSchema, roles: ['collector'], update: resolveDisputeUpdate as never }),
  command({ path: 'payment-plan', summary: 'Agree a payment plan (installments summing to the balance)', schema: agreePaymentPlanSchema, roles: ['collector'], update: agreePaymentPlanUpdate as never }),
  command({ path: 'pause', summary: 'Pause the case, optionally until a time', schema: pauseSchema, roles: ['collector'], update: pauseUpdate as never }),
  command({ path: 'resume', summary: 'Resume a paused case', schema: resumeSchema, roles: ['collector'], update: resumeUpdate as never }),
  command({ path: 'fees/waive', summary: 'Waive late fees (all, or an amount)', schema: waiveFeeSchema, roles: ['collector'], update: waiveFeeUpdate as never }),
  command({ path: 'cancel', summary: 'Cancel the invoice: the case ends', schema: closeCaseSchema, roles: [], update: cancelUpdate as never }),
  command({ path: 'write-off', summary: 'Write the invoice off: the case ends', schema: closeCaseSchema, roles: [], update: writeOffUpdate as never }),
  command({ path: 'call-outcomes', summary: 'Record a call outcome (a promise to pay holds escalation until its date)', schema: callOutcomeSchema, roles: ['collector'], update: callOutcomeUpdate as never }),
];

/** POST /v1/cases/{invoiceId}/<path>: validated body → the workflow's update → its new state, or the refusal as 422. */
export function registerCommand(
  routes: OpenAPIHono<AuthEnv>,
  cmd: (typeof commands)[number],
  deps: PaymentDependencies,
): void {
  const route = createRoute({
    method: 'post',
    path: `/v1/cases/{invoiceId}/${cmd.path}`,
    tags: ['commands'],
    summary: cmd.summary,
    description: `Roles: ${[...cmd.roles, 'admin'].join(', ')}.`,
    security,
    request: { params: invoiceIdParam, body: { content: { 'application/json': { schema: cmd.schema } }, required: true } },
    responses: {
      200: { description: 'Accepted; the new state of the case', content: { 'application/json': { schema: caseViewSchema } } },
      400: problemResponse('Invalid body'),
      401: problemResponse('No or bad API key'),
      403: problemResponse('Wrong role'),
      404: problemResponse('No such invoice'),
      409: problemResponse('The case is no longer running'),
      422: problemResponse('Refused by the case, naming the field'),
      ...cmd.extraResponses,
    },
  });
  routes.on('POST', `/v1/cases/:invoiceId/${cmd.path}`, requireRole(...cmd.roles));
  routes.openapi(route, async (c) => {
    const { invoiceId } = c.req.valid('param');
    const body = c.req.valid('json') as Record<string, unknown>;
    const payload = { ...(cmd.prepare ? cmd.prepare(body as never) : body), actor: c.get('principal').name };
    const outcome: PaymentOutcome = cmd.run ? await cmd.run(c, deps, invoiceId, payload as never) : await commandCase(c, deps, invoiceId, cmd.update, payload as never);
    if ('answer' in outcome) return outcome.answer as never;
    if ('afterClose' in outcome) return c.json(outcome.afterClose, 202) as never;
    return c.json(outcome.view as unknown as Record<string, unknown>, 200);
  });
}
