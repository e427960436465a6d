import { z } from '@hono/zod-openapi';

/** Pieces every route's OpenAPI description shares. */
export const problemResponse = (description: string) => ({ description, content: { 'application/problem+json': { schema: z.object({ type: z.string(), title: z.string(), status: z.number(), detail: z.string().optional() }).passthrough() } } });
export const caseViewSchema = z.object({}).passthrough().openapi('CaseView', { description: 'The live state of the case, from the workflow (see README: the caseState query).' });
export const security = [{ apiKey: [] }];

