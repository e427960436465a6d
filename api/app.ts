import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import type { Logger } from 'pino';
import { problem } from './problem.js';
import type { ReadinessCheck } from './readiness.js';
import { healthRoutes } from './routes/health.js';

export interface AppDependencies {
  readonly logger: Logger;
  readonly readinessChecks: Readonly<Record<string, ReadinessCheck>>;
}

export function createApp({ logger, readinessChecks }: AppDependencies): Hono {
  const app = new Hono();
  app.use(requestId());
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    logger.info(
      { requestId: c.get('requestId'), method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(performance.now() - started) },
      'request',
    );
  });
  app.route('/', healthRoutes({ checks: readinessChecks }));
  app.notFound((c) => problem(c, 404, { title: 'Not Found', detail: `No route for ${c.req.method} ${c.req.path}` }));
  app.onError((error, c) => {
    logger.error({ requestId: c.get('requestId'), err: error }, 'unhandled error');
    return problem(c, 500, { title: 'Internal Server Error', detail: `Request ${c.get('requestId')} failed; the server log has the cause.` });
  });
  return app;
}
