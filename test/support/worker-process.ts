// A collection worker in a process of its own, so a test can kill it with SIGKILL mid-activity.
// Settings come from the environment the test gives it; prints "ready" once it polls.
// CALL_MODE=voice places reminder calls instead of TaskRouter tasks; LEGAL_PARTNER_EMAIL sends
// legal hand-offs by email through the (stand-in) SendGrid; SENDGRID_TIMING (JSON) sets the
// sender's lead, cut-off and search settle time (tests shrink SendGrid's minutes to seconds).
import './exit-with-parent.js';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { encryptingDataConverter } from '../../codec/data-converter.js';
import { encryptionKeyList } from '../../config/encryption-keys.js';
import { EmailLegalPartner, LocalSinkLegalPartner } from '../../activities/providers/legal-partner.js';
import { createPrismaClient } from '../../prisma/client.js';
import { createCollectionWorker } from '../../worker/create-worker.js';
import { realSenders } from './real-providers.js';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`worker-process needs ${name}`);
  return value;
};

Runtime.install({ logger: new DefaultLogger('WARN') });
const senders = realSenders(env('PROVIDER_BASE_URL'), { callMode: process.env.CALL_MODE === 'voice' ? 'voice' : 'task', ...(process.env.SENDGRID_TIMING ? { sendgrid: JSON.parse(process.env.SENDGRID_TIMING) as object } : {}) });
const legalEmail = process.env.LEGAL_PARTNER_EMAIL;
const connection = await NativeConnection.connect({ address: env('TEMPORAL_ADDRESS') });
const worker = await createCollectionWorker({
  connection,
  namespace: env('TEMPORAL_NAMESPACE'),
  taskQueue: env('TEMPORAL_TASK_QUEUE'),
  prisma: createPrismaClient(env('DATABASE_URL')),
  senders,
  legalPartner: legalEmail ? new EmailLegalPartner(legalEmail, senders.email) : new LocalSinkLegalPartner(env('SINK_DIR')),
  workflowBundle: { codePath: env('WORKFLOW_BUNDLE_PATH') },
  dataConverter: encryptingDataConverter(encryptionKeyList.parse(env('PAYLOAD_ENCRYPTION_KEYS'))),
});
const running = worker.run();
console.log('ready');
await running;
