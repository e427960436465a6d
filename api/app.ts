import { httpInstrumentationMiddleware } from '@hono/otel';
import { OpenAPIHono } from '@hono/zod-openapi';
import { trace } from '@opentelemetry/api';
import { ATTR_URL_FULL } from '@opentelemetry/semantic-conventions';
import { bodyLimitByLength } from './middleware/body-limit.js';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { consoleSettings, type ConsoleSettings } from './console/auth/settings.js';
import { type ApiKeyLookup, directApiKeyLookup } from './auth/api-key-lookup.js';
import { renderConsoleError, isConsolePath } from './console/error-page.js';
import { consoleRoutes } from './console/routes.js';
import { caseStageGauge } from './metrics/case-stage-gauge.js';
import { httpMetrics } from './metrics/http-metrics.js';
import { metricsRoute } from './metrics/metrics-route.js';
import { problem } from './problem.js';
import { type CodecServerOptions, codecRoutes } from './routes/codec.js';
import { requestContext } from './request-context.js';
import type { ReadinessCheck } from './readiness.js';
import { type CaseRouteDependencies, caseRoutes } from './routes/cases.js';
import { customerRoutes } from './routes/customers.js';
import { docsRoutes } from './routes/docs.js';
import { healthRoutes } from './routes/health.js';
import { policyRoutes } from './routes/policies.js';
import { reportRoutes } from './routes/reports.js';
import type { Tracing } from '../telemetry/tracing.js';
import { paymentWebhook } from './webhooks/payments.js';
import { providerWebhooks } from './webhooks/providers.js';

export interface AppDependencies {
  readonly logger: Logger;
  readonly readinessChecks: Readonly<Record<string, ReadinessCheck>>;
  /** The case routes need the database and Temporal; without them only health and docs are served. */
  readonly cases?: CaseRouteDependencies;
  readonly maxBodyBytes?: number;
  /** The codec server (needs `cases` for the admin keys); without it /codec is not served. */
  readonly codec?: Pick<CodecServerOptions, 'codec' | 'token' | 'corsOrigins'>;
  /** GET /metrics (README "Metrics"): HTTP metrics of every request, and open cases by stage when `cases` is given. */
  readonly metrics?: { readonly registry: Registry; readonly token?: string };
  /** A server span per request (README "Traces"), parent of the Temporal client's and the database's spans. */
  readonly tracing?: Tracing;
  /** The console's session and sign-in settings (README "Console"); defaults when not given. Served with `cases`. */
  readonly console?: Partial<ConsoleSettings>;
  /** How API keys are checked (with `cases`); the database on every request unless given (api/main.ts caches). */
  readonly apiKeys?: ApiKeyLookup;
}

/** The Web UI's codec endpoint carries the codec token in its path: never write it to the log. */
function withoutCodecToken(path: string): string {
  return path.replace(/\/codec\/[^/?]+\/(encode|decode)(?=$|\?)/, '/codec/<token>/$1');
}

export function createApp({ logger, readinessChecks, cases, codec, metrics, tracing, console: consoleOptions, apiKeys, maxBodyBytes = 1024 * 1024 }: AppDependencies): OpenAPIHono {
  const app = new OpenAPIHono();
  if (tracing) {
    app.use(httpInstrumentationMiddleware({ tracer: tracing.tracer }));
    app.use((c, next) => {
      trace.getActiveSpan()?.setAttribute(ATTR_URL_FULL, withoutCodecToken(c.req.url));
      return next();
    });
  }
  if (metrics) app.use(httpMetrics(metrics.registry));
  app.use(requestId());
  app.use((c, next) => requestContext.run({ requestId: c.get('requestId') }, next));
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    logger.info(
      { requestId: c.get('requestId'), method: c.req.method, path: withoutCodecToken(c.req.path), status: c.res.status, ms: Math.round(performance.now() - started) },
      'request',
    );
  });
  // Connection: close, because the rest of a refused body is not read: the server may drop the
  // connection under it, and a client that reused it would find its next request hung up.
  const limit = (maxSize: number) =>
    bodyLimitByLength({
      maxSize,
      onError: (c) => {
        c.header('Connection', 'close');
        return problem(c, 413, { title: 'Payload Too Large', detail: `Request bodies here are limited to ${maxSize} bytes.` });
      },
    });
  const bulkLimit = limit(maxBodyBytes * 16);
  const defaultLimit = limit(maxBodyBytes);
  app.use('/v1/*', (c, next) => (c.req.path === '/v1/invoices/bulk' ? bulkLimit(c, next) : defaultLimit(c, next)));
  app.route('/', healthRoutes({ checks: readinessChecks }));
  if (metrics) app.route('/', metricsRoute(metrics.registry, metrics.token));
  if (metrics && cases) caseStageGauge(metrics.registry, cases.temporal, cases.taskQueue, logger);
  if (cases?.providerWebhooks) app.route('/', providerWebhooks({ prisma: cases.prisma, temporal: cases.temporal }, cases.providerWebhooks));
  if (cases?.paymentWebhookSecret) app.route('/', paymentWebhook({ prisma: cases.prisma, temporal: cases.temporal, legalPartner: cases.legalPartner, secret: cases.paymentWebhookSecret }));
  const casesWithKeys = cases ? { ...cases, apiKeys: apiKeys ?? directApiKeyLookup(cases.prisma) } : undefined;
  if (casesWithKeys && codec) app.route('/', codecRoutes({ ...codec, apiKeys: casesWithKeys.apiKeys, logger, maxBodyBytes: maxBodyBytes * 16 }));
  if (casesWithKeys) app.route('/', policyRoutes(casesWithKeys));
  // Before the case routes: their /v1/* middleware (auth, Idempotency-Key) must not run twice.
  if (casesWithKeys) app.route('/', customerRoutes(casesWithKeys, logger));
  if (casesWithKeys) app.route('/', reportRoutes(casesWithKeys));
  if (casesWithKeys) app.route('/', caseRoutes(casesWithKeys, logger));
  if (cases) app.route('/console', consoleRoutes({ ...cases, settings: consoleSettings(consoleOptions) }));

  app.openAPIRegistry.registerComponent('securitySchemes', 'apiKey', { type: 'http', scheme: 'bearer', description: 'An API key: `npm run api-keys -- create <name> --role system|collector|admin`' });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'Collections orchestrator API', version: '0.1.0', description: 'Start, signal and query collection cases. Errors are application/problem+json (RFC 9457).' },
  });
  app.route('/', docsRoutes());

  app.notFound((c) => problem(c, 404, { title: 'Not Found', detail: `No route for ${c.req.method} ${c.req.path}` }));
  app.onError((error, c) => {
    // Hono's own refusals, such as a body that is not JSON: the client's mistake, said plainly.
    const refusal = error instanceof HTTPException && error.status < 500 ? error : undefined;
    if (!refusal) logger.error({ requestId: c.get('requestId'), err: error }, 'unhandled error');
    // People in the console get a page of it; the API's clients get problem JSON.
    if (isConsolePath(c.req.path)) return renderConsoleError(c, refusal?.status ?? 500, c.get('requestId'), refusal?.message);
    if (refusal) return problem(c, refusal.status, { title: refusal.status === 400 ? 'Bad Request' : 'Request refused', detail: refusal.message });
    return problem(c, 500, { title: 'Internal Server Error', detail: `Request ${c.get('requestId')} failed; the server log has the cause.` });
  });
  return app;
}
