import { Hono } from 'hono';
import { problem } from '../problem.js';
import { runCheck, type ReadinessCheck } from '../readiness.js';

export interface HealthRouteOptions {
  readonly checks: Readonly<Record<string, ReadinessCheck>>;
  readonly checkTimeoutMs?: number;
}

/** `/health`: the process is up. `/ready`: every dependency (PostgreSQL, Temporal) answers. */
export function healthRoutes({ checks, checkTimeoutMs = 2000 }: HealthRouteOptions): Hono {
  const routes = new Hono();
  routes.get('/health', (c) => c.json({ status: 'ok' }));
  routes.get('/ready', async (c) => {
    const names = Object.keys(checks);
    const results = await Promise.all(names.map((name) => runCheck(checks[name]!, checkTimeoutMs)));
    const byName = Object.fromEntries(names.map((name, i) => [name, results[i]!]));
    if (results.every((r) => r.status === 'ok')) return c.json({ status: 'ready', checks: byName });
    const failing = names.filter((_, i) => results[i]!.status !== 'ok');
    return problem(c, 503, {
      title: 'Not ready',
      detail: `Dependencies not answering: ${failing.join(', ')}`,
      checks: byName,
    });
  });
  return routes;
}
