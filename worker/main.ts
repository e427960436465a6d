import { NativeConnection, Runtime } from '@temporalio/worker';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { createActivityMetrics } from '../activities/metrics.js';
import { providersFromConfig } from '../activities/providers/from-config.js';
import { encryptingDataConverter } from '../codec/data-converter.js';
import { loadConfig, orExitOnConfigError } from '../config/load.js';
import { createLogger } from '../config/logger.js';
import { payloadEncryptionKeys } from '../config/payload-encryption.js';
import { temporalConnectionSettings } from '../config/temporal-connection.js';
import { createPrismaClient } from '../prisma/client.js';
import { tracingFromConfig } from '../telemetry/tracing.js';
import { createCollectionWorker, workerLimitsFromConfig } from './create-worker.js';
import { startMetricsServer } from './metrics-server.js';
import { runtimeTelemetry } from './runtime-telemetry.js';
import { temporalLoggerFor } from '../telemetry/temporal-logger.js';

// The SDK's Runtime installs SIGINT/SIGTERM handlers: worker.run() then drains in-flight
// tasks and resolves, so the finally block below closes the connections cleanly.
const config = loadConfig();
const dataConverter = encryptingDataConverter(orExitOnConfigError(() => payloadEncryptionKeys(config)));
const logger = createLogger(config, 'worker');
Runtime.install({ logger: temporalLoggerFor(logger), ...runtimeTelemetry(config.TEMPORAL_METRICS_ADDRESS) });
if (config.TEMPORAL_METRICS_ADDRESS) logger.info(`Temporal SDK metrics on http://${config.TEMPORAL_METRICS_ADDRESS}/metrics`);
const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });
const metricsServer = config.WORKER_METRICS_ADDRESS ? await startMetricsServer(metricsRegistry, config.WORKER_METRICS_ADDRESS) : undefined;
if (config.WORKER_METRICS_ADDRESS) logger.info(`worker metrics on http://${config.WORKER_METRICS_ADDRESS}/metrics`);
const tracing = tracingFromConfig(config, 'collections-worker');
if (tracing) logger.info({ databaseSpans: tracing.databaseSpans }, 'traces exported over OTLP');
const prisma = createPrismaClient(config.DATABASE_URL, { poolSize: config.DATABASE_POOL_SIZE });
const connection = await NativeConnection.connect(temporalConnectionSettings(config));
try {
  const providers = providersFromConfig(config);
  const worker = await createCollectionWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    prisma,
    senders: providers.senders,
    legalPartner: providers.legalPartner,
    rateLimits: providers.rateLimits,
    metrics: createActivityMetrics(metricsRegistry),
    limits: workerLimitsFromConfig(config),
    shutdownGraceSeconds: config.WORKER_SHUTDOWN_GRACE_SECONDS,
    dataConverter,
    // Built ahead in the image (npm run build): a worker starts in seconds and runs exactly the code that shipped.
    ...(config.WORKFLOW_BUNDLE_PATH ? { workflowBundle: { codePath: config.WORKFLOW_BUNDLE_PATH } } : {}),
    ...(tracing ? { tracing } : {}),
  });
  logger.info({ providers: providers.description }, 'providers');
  if (config.WORKFLOW_BUNDLE_PATH) logger.info({ path: config.WORKFLOW_BUNDLE_PATH }, 'workflow bundle built ahead');
  logger.info({ taskQueue: config.TEMPORAL_TASK_QUEUE, address: config.TEMPORAL_ADDRESS, namespace: config.TEMPORAL_NAMESPACE }, `worker polling task queue ${config.TEMPORAL_TASK_QUEUE}`);
  await worker.run();
} finally {
  metricsServer?.server.close();
  await connection.close();
  await prisma.$disconnect();
  await tracing?.shutdown();
}
