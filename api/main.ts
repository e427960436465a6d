import { Client } from '@temporalio/client';
import { Runtime } from '@temporalio/worker';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { providersFromConfig } from '../activities/providers/from-config.js';
import { encryptingDataConverter } from '../codec/data-converter.js';
import { loadConfig, orExitOnConfigError } from '../config/load.js';
import { createLogger } from '../config/logger.js';
import { payloadEncryptionKeys } from '../config/payload-encryption.js';
import { temporalConnectionSettings } from '../config/temporal-connection.js';
import { createPrismaClient } from '../prisma/client.js';
import { AesGcmPayloadCodec } from '../codec/aes-gcm-codec.js';
import { cachedApiKeyLookup } from './auth/cached-api-key-lookup.js';
import { createApp } from './app.js';
import { postgresCheck, temporalCheck } from './dependency-checks.js';
import { startHttpServer } from './http-server.js';
import { requestIdClientInterceptor } from './request-context.js';
import { LazyNativeConnection } from './temporal-connection.js';
import { temporalLoggerFor } from '../telemetry/temporal-logger.js';
import { tracingClientInterceptors } from '../telemetry/temporal-tracing.js';
import { tracingFromConfig } from '../telemetry/tracing.js';

const config = loadConfig();
const encryptionKeys = orExitOnConfigError(() => payloadEncryptionKeys(config));
const logger = createLogger(config, 'api');
const tracing = tracingFromConfig(config, 'collections-api');
if (tracing) logger.info({ databaseSpans: tracing.databaseSpans }, 'traces exported over OTLP');
const prisma = createPrismaClient(config.DATABASE_URL, { poolSize: config.DATABASE_POOL_SIZE });
// The SDK's Rust core carries the API's gRPC (api/temporal-connection.ts); its log goes to ours, and
// the API's own SIGINT/SIGTERM handling below shuts down (no workers here for the Runtime to drain).
Runtime.install({ logger: temporalLoggerFor(logger), shutdownSignals: [] });
// lazy: the API starts (and /health answers) even while Temporal is still coming up; /ready tells.
// No gzip (the native connection's default): every payload is AES-GCM ciphertext, which does not
// compress, so gzip would only cost CPU here and in the server on every call.
const temporal = new LazyNativeConnection({ ...temporalConnectionSettings(config), grpcCompression: { codec: 'none' } });

// Every request checks its key; kept in memory while a LISTEN connection tells of revocations (README "API keys").
const apiKeys = cachedApiKeyLookup(prisma, config.DATABASE_URL, logger);

const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });

const app = createApp({
  logger,
  apiKeys,
  ...(tracing ? { tracing } : {}),
  metrics: { registry: metricsRegistry, ...(config.METRICS_TOKEN ? { token: config.METRICS_TOKEN } : {}) },
  codec: { codec: new AesGcmPayloadCodec(encryptionKeys), corsOrigins: config.CODEC_CORS_ORIGINS, ...(config.CODEC_SERVER_TOKEN ? { token: config.CODEC_SERVER_TOKEN } : {}) },
  console: {
    sessionIdleMinutes: config.CONSOLE_SESSION_IDLE_MINUTES,
    sessionMaxHours: config.CONSOLE_SESSION_MAX_HOURS,
    trustProxy: config.CONSOLE_TRUST_PROXY,
    allowedOrigins: config.CONSOLE_ALLOWED_ORIGINS ?? [],
  },
  readinessChecks: { postgres: postgresCheck(prisma), temporal: temporalCheck(temporal, config.TEMPORAL_NAMESPACE) },
  cases: {
    prisma,
    temporal: new Client({ connection: temporal, namespace: config.TEMPORAL_NAMESPACE, dataConverter: encryptingDataConverter(encryptionKeys), interceptors: { workflow: [...tracingClientInterceptors(tracing), requestIdClientInterceptor] } }),
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    bulkImportConcurrency: config.BULK_IMPORT_CONCURRENCY,
    // The worker hands cases to the partner; the API tells it of payments that arrive afterwards.
    legalPartner: providersFromConfig(config).legalPartner,
    ...(config.PAYMENT_WEBHOOK_SECRET ? { paymentWebhookSecret: config.PAYMENT_WEBHOOK_SECRET } : {}),
    providerWebhooks: {
      ...(config.SENDGRID_WEBHOOK_PUBLIC_KEY ? { sendgridPublicKey: config.SENDGRID_WEBHOOK_PUBLIC_KEY } : {}),
      ...(config.LOB_WEBHOOK_SECRET ? { lobSecret: config.LOB_WEBHOOK_SECRET } : {}),
      ...(config.TWILIO_AUTH_TOKEN && config.TWILIO_WEBHOOK_URL ? { twilioAuthToken: config.TWILIO_AUTH_TOKEN, twilioWebhookUrl: config.TWILIO_WEBHOOK_URL } : {}),
    },
  },
});

const server = startHttpServer(app, { hostname: config.API_HOST, port: config.API_PORT }, (info) => {
  logger.info(`API listening on http://${info.address}:${info.port}`);
});

async function shutdown(signal: string): Promise<void> {
  logger.info({ signal }, 'shutting down');
  server.close();
  await Promise.allSettled([temporal.close(), apiKeys.close(), prisma.$disconnect(), tracing?.shutdown()]);
  process.exit(0);
}
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));
