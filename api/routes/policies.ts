import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { collectionPolicySchema } from '../../domain/policy.js';
import type { Prisma, PrismaClient } from '../../prisma/client.js';
import { type Jsonified, toJson } from '../json.js';
import { type AuthDependencies, type AuthEnv, authenticate, requireRole } from '../middleware/authenticate.js';
import { idempotency } from '../middleware/idempotency.js';
import { problem } from '../problem.js';
import { createPolicy } from '../services/policies.js';
import { assertSameType, type SameType } from '../schemas/same-type.js';
import { validationProblem } from '../validation.js';
import { problemResponse, security } from './openapi-parts.js';

const policySelect = { name: true, version: true, isDefault: true, createdAt: true, steps: true } as const satisfies Prisma.CollectionPolicySelect;

const storedPolicySchema = z
  .strictObject({
    name: z.string(),
    version: z.number().int(),
    isDefault: z.boolean(),
    createdAt: z.string().openapi({ format: 'date-time' }),
    steps: z.unknown().openapi({ description: 'The policy’s steps, as stored (see POST /v1/policies).' }),
  })
  .openapi('StoredPolicy');
assertSameType<SameType<z.output<typeof storedPolicySchema>, Jsonified<Prisma.CollectionPolicyGetPayload<{ select: typeof policySelect }>>>>();

const createPolicyRoute = createRoute({
  method: 'post',
  path: '/v1/policies',
  tags: ['policies'],
  summary: 'Store a collection policy version (admin); optionally make it the default',
  security,
  request: { body: { content: { 'application/json': { schema: z.object({ policy: collectionPolicySchema, makeDefault: z.boolean().default(false) }).strict() } }, required: true } },
  responses: {
    201: { description: 'Stored', content: { 'application/json': { schema: z.object({ name: z.string(), version: z.number(), isDefault: z.boolean() }) } } },
    400: problemResponse('Invalid policy, each problem with its path'),
    401: problemResponse('No or bad API key'),
    403: problemResponse('Not an admin key'),
    409: problemResponse('That name and version exist already: versions are immutable'),
  },
});

const listPoliciesRoute = createRoute({
  method: 'get',
  path: '/v1/policies',
  tags: ['policies'],
  summary: 'List stored policy versions',
  security,
  responses: {
    200: { description: 'Policies', content: { 'application/json': { schema: z.strictObject({ policies: z.array(storedPolicySchema) }) } } },
    401: problemResponse('No or bad API key'),
  },
});

/** Policies are data: admins store new versions; cases keep the snapshot they started with. */
export function policyRoutes({ prisma, apiKeys }: { readonly prisma: PrismaClient } & AuthDependencies): OpenAPIHono<AuthEnv> {
  const routes = new OpenAPIHono<AuthEnv>({ defaultHook: (result, c) => (result.success ? undefined : validationProblem(c, result.error, result.target)) });
  routes.use('/v1/policies', authenticate(apiKeys));
  routes.use('/v1/policies', idempotency(prisma));
  routes.on('POST', '/v1/policies', requireRole());

  routes.openapi(createPolicyRoute, async (c) => {
    const { policy, makeDefault } = c.req.valid('json');
    if ((await createPolicy(prisma, policy, makeDefault)) === 'exists') {
      return problem(c, 409, { title: 'Policy version exists', detail: `${policy.name}@${policy.version} is stored already; versions are immutable, store a new version.`, errors: [{ field: 'policy.version', rule: 'unique', message: 'exists already' }] });
    }
    return c.json({ name: policy.name, version: policy.version, isDefault: makeDefault }, 201);
  });

  routes.openapi(listPoliciesRoute, async (c) => {
    const rows = await prisma.collectionPolicy.findMany({ orderBy: [{ name: 'asc' }, { version: 'asc' }], select: policySelect });
    return c.json({ policies: rows.map(toJson) }, 200);
  });
  return routes;
}
