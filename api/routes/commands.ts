import { createRoute, type OpenAPIHono, type z } from '@hono/zod-openapi';
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
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
import type { PrismaClient } from '../../prisma/client.js';
import type { ProblemResponse } from '../problem.js';
import { caseViewSchema } from '../schemas/case-view.js';
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
import { caseWorkflowId, commandCase } from '../services/case-command.js';
import { type PaymentDependencies, type PaymentOutcome, recordPayment } from '../services/payment-command.js';
import { caseRefusal } from '../temporal-problems.js';
import { type FieldError, fieldErrors } from '../validation.js';
import { paymentAfterCloseSchema, problemResponse, security } from './openapi-parts.js';

/** Every update's argument names who sent it; the server fills it in from the API key. */
type Actor = { readonly actor: string };

/** The named fields of a type (a strict empty object's output has only an index signature). */
type FieldNames<T> = keyof { [K in keyof T as string extends K ? never : K]: T[K] };
/** Refuses (as a tsc error naming the fields) a body schema with fields its update does not take. */
type OnlyFieldsOf<S extends z.ZodType, A> = [Exclude<FieldNames<z.output<S>>, keyof A>] extends [never] ? unknown : { readonly 'fields the update does not take': Exclude<FieldNames<z.output<S>>, keyof A> };

/** One HTTP command: a body schema, the workflow update it becomes, and who may send it. */
interface CommandSpec<S extends z.ZodType, A extends Actor> {
  readonly path: string;
  readonly summary: string;
  readonly roles: Role[];
  readonly schema: S & OnlyFieldsOf<S, A>;
  readonly update: UpdateDefinition<CaseView, [A]>;
  /** The update's argument from the validated body and the actor: a body that does not fit the update is a tsc error here. */
  readonly argument: (body: z.output<S>, actor: string) => NoInfer<A>;
  /** Runs the command instead of sending the update as is (payments: recorded even when the case has ended). */
  readonly run?: (c: Context, deps: PaymentDependencies, invoiceId: string, argument: A) => Promise<PaymentOutcome>;
  /** Answers the route gives besides the usual ones (documented in OpenAPI). */
  readonly extraResponses?: Readonly<Record<number, { description: string; content?: unknown }>>;
}

/** The argument of most commands: the body as validated, and who sent it. */
const withActor = <B extends object>(body: B, actor: string) => ({ ...body, actor });

/** What came of a command sent without HTTP (the console's forms): the same answers the route gives as 200, 400, 404, 409 and 422. */
export type CommandSent =
  | { readonly kind: 'done'; readonly view: CaseView }
  | { readonly kind: 'invalid' | 'refused'; readonly detail: string; readonly errors: FieldError[] }
  | { readonly kind: 'not_found' | 'not_running'; readonly detail: string };

export type SendCommand = (deps: { prisma: PrismaClient; temporal: Client }, invoiceId: string, body: unknown, actor: string) => Promise<CommandSent>;

export interface CaseCommand {
  readonly path: string;
  /** Who may send it besides admins (none: admins only). */
  readonly roles: readonly Role[];
  readonly register: (routes: OpenAPIHono<AuthEnv>, deps: PaymentDependencies) => void;
  /**
   * The route's validation and update without HTTP, for the console's forms: the body schema, then
   * the case's update with `actor`. Absent for commands that run otherwise (payments).
   */
  readonly send?: SendCommand;
}

/** A command whose types are checked end to end: the body schema's output must be its update's argument. */
export function command<S extends z.ZodType, A extends Actor>(spec: CommandSpec<S, A>): CaseCommand {
  return { path: spec.path, roles: spec.roles, register: (routes, deps) => registerCommand(routes, spec, deps), ...(spec.run ? {} : { send: sender(spec) }) };
}

function sender<S extends z.ZodType, A extends Actor>(spec: CommandSpec<S, A>): SendCommand {
  const schema: z.ZodType = spec.schema;
  return async ({ prisma, temporal }, invoiceId, body, actor) => {
    const parsed = schema.safeParse(body);
    if (!parsed.success) return { kind: 'invalid', detail: `The request body has ${parsed.error.issues.length} problem(s).`, errors: fieldErrors(parsed.error, 'body') };
    const invoice = await prisma.invoice.findUnique({ where: { id: invoiceId }, select: { id: true, workflowId: true } });
    if (!invoice) return { kind: 'not_found', detail: `No invoice ${invoiceId}.` };
    try {
      // Validated by spec.schema, so it is that schema's output.
      const argument = spec.argument(parsed.data as z.output<S>, actor);
      return { kind: 'done', view: await temporal.workflow.getHandle(caseWorkflowId(invoice)).executeUpdate(spec.update, { args: [argument] }) };
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return { kind: 'not_running', detail: `The collection case of invoice ${invoiceId} has ended or was never started.` };
      const refusal = caseRefusal(error);
      if (refusal) return { kind: 'refused', ...refusal };
      throw error;
    }
  };
}

export const commands: readonly CaseCommand[] = [
  command({
    path: 'payments',
    summary: 'Record a payment (a payment id seen before changes nothing); on a case that has ended it is recorded on the invoice (202)',
    schema: recordPaymentSchema,
    roles: ['system'],
    update: recordPaymentUpdate,
    argument: (body, actor) => ({ ...body, receivedAt: body.receivedAt ?? new Date().toISOString(), actor }),
    run: recordPayment,
    extraResponses: {
      202: { description: 'The case had ended (paid, cancelled, written off, with the legal partner): the payment is recorded on the invoice, the legal partner told', content: { 'application/json': { schema: paymentAfterCloseSchema } } },
      502: problemResponse('The case is with the legal partner, the payment is recorded, but the partner could not be told: send the same payment again'),
      503: problemResponse('The case is ending at this moment: send the payment again shortly (Retry-After)'),
    },
  }),
  command({ path: 'disputes', summary: 'Open a dispute: escalation stops', schema: openDisputeSchema, roles: ['collector'], update: openDisputeUpdate, argument: withActor }),
  command({ path: 'disputes/resolve', summary: 'Resolve the dispute: resume, credit or cancel', schema: resolveDisputeSchema, roles: ['collector'], update: resolveDisputeUpdate, argument: withActor }),
  command({ path: 'payment-plan', summary: 'Agree a payment plan (installments summing to the balance)', schema: agreePaymentPlanSchema, roles: ['collector'], update: agreePaymentPlanUpdate, argument: withActor }),
  command({ path: 'pause', summary: 'Pause the case, optionally until a time', schema: pauseSchema, roles: ['collector'], update: pauseUpdate, argument: withActor }),
  command({ path: 'resume', summary: 'Resume a paused case', schema: resumeSchema, roles: ['collector'], update: resumeUpdate, argument: withActor }),
  command({ path: 'fees/waive', summary: 'Waive late fees (all, or an amount)', schema: waiveFeeSchema, roles: ['collector'], update: waiveFeeUpdate, argument: withActor }),
  command({ path: 'cancel', summary: 'Cancel the invoice: the case ends', schema: closeCaseSchema, roles: [], update: cancelUpdate, argument: withActor }),
  command({ path: 'write-off', summary: 'Write the invoice off: the case ends', schema: closeCaseSchema, roles: [], update: writeOffUpdate, argument: withActor }),
  command({ path: 'call-outcomes', summary: 'Record a call outcome (a promise to pay holds escalation until its date)', schema: callOutcomeSchema, roles: ['collector'], update: callOutcomeUpdate, argument: withActor }),
];

/** POST /v1/cases/{invoiceId}/<path>: validated body → the workflow's update → its new state, or the refusal as 422. */
function registerCommand<S extends z.ZodType, A extends Actor>(routes: OpenAPIHono<AuthEnv>, spec: CommandSpec<S, A>, deps: PaymentDependencies): void {
  // Hono's route types cannot be computed for a generic schema: it sees the body schema as any
  // schema, and the one typed step is reading the body it validated (below).
  const schema: z.ZodType = spec.schema;
  const route = createRoute({
    method: 'post',
    path: `/v1/cases/{invoiceId}/${spec.path}`,
    tags: ['commands'],
    summary: spec.summary,
    description: `Roles: ${[...spec.roles, 'admin'].join(', ')}.`,
    security,
    request: { params: invoiceIdParam, body: { content: { 'application/json': { schema } }, required: true } },
    responses: {
      200: { description: 'Accepted; the new state of the case', content: { 'application/json': { schema: caseViewSchema } } },
      400: problemResponse('Invalid body'),
      401: problemResponse('No or bad API key'),
      403: problemResponse('Wrong role'),
      404: problemResponse('No such invoice'),
      409: problemResponse('The case is no longer running'),
      422: problemResponse('Refused by the case, naming the field'),
      ...spec.extraResponses,
    },
  });
  routes.on('POST', `/v1/cases/:invoiceId/${spec.path}`, requireRole(...spec.roles));
  routes.openapi(route, async (c) => {
    const { invoiceId } = c.req.valid('param');
    // Validated by Hono with spec.schema, so it is that schema's output.
    const body = c.req.valid('json') as z.output<S>;
    const argument = spec.argument(body, c.get('principal').name);
    if (spec.run) {
      const ran = await spec.run(c, deps, invoiceId, argument);
      if ('view' in ran) return c.json(ran.view, 200);
      // 202, 502 and 503 are documented through `extraResponses`, which the generic route's type
      // cannot see; the answers themselves are built by problem() and c.json from their schemas.
      return ('afterClose' in ran ? c.json(ran.afterClose, 202) : ran.answer) as unknown as ProblemResponse<422>;
    }
    const outcome = await commandCase(c, deps, invoiceId, spec.update, argument);
    if ('answer' in outcome) return outcome.answer;
    return c.json(outcome.view, 200);
  });
}
