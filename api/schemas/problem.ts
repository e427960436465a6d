import { z } from '@hono/zod-openapi';

export const fieldErrorSchema = z
  .object({
    field: z.string().openapi({ description: 'The offending field: a dotted path into the body, a query or path parameter, or a header.' }),
    rule: z.string().openapi({ description: 'The rule it broke, like too_small, invalid_format, refused, conflict.' }),
    message: z.string(),
  })
  .openapi('FieldError');

/** RFC 9457 problem details; extensions (like `invoiceId` of a conflict) may be added. */
export const problemSchema = z
  .looseObject({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    errors: z.array(fieldErrorSchema).optional(),
  })
  .openapi('Problem', { description: 'RFC 9457 problem details; `errors` names each offending field and the rule it broke.' });

export type ProblemDetails = z.infer<typeof problemSchema>;
