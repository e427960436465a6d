import type { MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { Histogram, type Registry } from 'prom-client';

/** The label of a request no route answered: raw paths would let any caller mint new series. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * The route pattern that answered a request (`/v1/cases/:invoiceId`), never the raw path. A request
 * refused by middleware before its handler ran (401, 413) still carries its handler's pattern:
 * middleware is registered with method ALL, handlers with their own method.
 */
function routeOf(c: Parameters<MiddlewareHandler>[0]): string {
  const handler = [...matchedRoutes(c)].reverse().find((route) => route.method !== 'ALL');
  return handler?.path ?? UNMATCHED_ROUTE;
}

/** Times every request into `http_request_duration_seconds{method,route,status}` (its _count is requests per route and status). */
export function httpMetrics(registry: Registry): MiddlewareHandler {
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'API request latency by method, route pattern and response status.',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return async (c, next) => {
    const stop = duration.startTimer();
    try {
      await next();
    } finally {
      stop({ method: c.req.method, route: routeOf(c), status: String(c.res.status) });
    }
  };
}
