import { PROBLEM_CONTENT_TYPE } from '../problem.js';
import { problemSchema } from '../schemas/problem.js';

/** Pieces every route's OpenAPI description shares. */
export const problemResponse = (description: string) => ({ description, content: { [PROBLEM_CONTENT_TYPE]: { schema: problemSchema } } }) as const;
export const security = [{ apiKey: [] }];
