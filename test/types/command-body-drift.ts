/**
 * Compile-time claims, checked by `tsc --noEmit` (not run): a command whose body schema drifts
 * from its workflow update does not compile. Each `@ts-expect-error` fails tsc if the line
 * below it compiles, so removing the route helper's checks turns this file red.
 */
import { z } from '@hono/zod-openapi';
import { command } from '../../api/routes/commands.js';
import { pauseSchema } from '../../api/schemas/commands.js';
import { cancelUpdate, openDisputeUpdate, pauseUpdate } from '../../workflows/definitions.js';

const withActor = <B extends object>(body: B, actor: string) => ({ ...body, actor });
const route = { path: 'x', summary: 'x', roles: [] };

// The real pairing compiles.
command({ ...route, schema: pauseSchema, update: pauseUpdate, argument: withActor });

// @ts-expect-error a body field the update does not take (`note`)
command({ ...route, schema: z.object({ reason: z.string(), note: z.string() }), update: cancelUpdate, argument: withActor });

// @ts-expect-error a field of the wrong type (`reason` is text)
command({ ...route, schema: z.object({ reason: z.number() }), update: openDisputeUpdate, argument: withActor });

// @ts-expect-error a field the update needs is missing (`reason`)
command({ ...route, schema: z.object({}), update: openDisputeUpdate, argument: withActor });

// @ts-expect-error the body of one command sent as another's update
command({ ...route, schema: z.object({ resolution: z.enum(['resume']) }), update: pauseUpdate, argument: withActor });
