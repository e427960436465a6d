import { NativeConnection } from '@temporalio/worker';
import { providersFromConfig } from '../activities/providers/from-config.js';
import { loadConfig } from '../config/load.js';
import { temporalConnectionSettings } from '../config/temporal-connection.js';
import { createPrismaClient } from '../prisma/client.js';
import { createCollectionWorker } from './create-worker.js';

// The SDK's Runtime installs SIGINT/SIGTERM handlers: worker.run() then drains in-flight
// tasks and resolves, so the finally block below closes the connections cleanly.
const config = loadConfig();
const prisma = createPrismaClient(config.DATABASE_URL);
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
  });
  for (const line of providers.description) console.log(`provider ${line}`);
  console.log(`worker polling task queue "${config.TEMPORAL_TASK_QUEUE}" on ${config.TEMPORAL_ADDRESS} (namespace ${config.TEMPORAL_NAMESPACE})`);
  await worker.run();
} finally {
  await connection.close();
  await prisma.$disconnect();
}
