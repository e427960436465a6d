import { createHash, timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import type { Registry } from 'prom-client';
import { problem } from '../problem.js';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** GET /metrics in Prometheus's text format; with a token, only for `Authorization: Bearer <token>`. */
export function metricsRoute(registry: Registry, token: string | undefined): Hono {
  const app = new Hono();
  app.get('/metrics', async (c) => {
    if (token !== undefined) {
      const presented = c.req.header('authorization')?.match(/^Bearer (.+)$/)?.[1] ?? '';
      if (!timingSafeEqual(digest(presented), digest(token))) {
        c.header('WWW-Authenticate', 'Bearer realm="metrics"');
        return problem(c, 401, { title: 'Unauthorized', detail: 'GET /metrics needs Authorization: Bearer <METRICS_TOKEN>.' });
      }
    }
    return c.body(await registry.metrics(), 200, { 'Content-Type': registry.contentType });
  });
  return app;
}
