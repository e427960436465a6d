// Creates namespace TEMPORAL_NAMESPACE on the Temporal server at TEMPORAL_ADDRESS if it is not there
// (a real server, unlike the dev server, starts with none), then waits until the frontend serves it.
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import { waitForTemporal } from './wait-for-temporal.js';

const address = process.env.TEMPORAL_ADDRESS;
const namespace = process.env.TEMPORAL_NAMESPACE || 'default';
if (!address) throw new Error('create-namespace needs TEMPORAL_ADDRESS');
const grpcAlreadyExists = 6; // gRPC status code; @grpc/grpc-js is not a dependency of ours
const retentionDays = Number(process.env.TEMPORAL_NAMESPACE_RETENTION_DAYS || 3);

const deadline = Date.now() + 90_000;
for (;;) {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address, connectTimeout: 2_000 });
    await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs(`${retentionDays} days`) });
    console.error(`namespace ${namespace} created on ${address}`);
    break;
  } catch (error) {
    if ((error as { code?: number }).code === grpcAlreadyExists) {
      console.error(`namespace ${namespace} already exists on ${address}`);
      break;
    }
    if (Date.now() > deadline) throw new Error(`could not create namespace ${namespace} on ${address}: ${String(error)}`, { cause: error });
    await new Promise((resolve) => setTimeout(resolve, 500));
  } finally {
    await connection?.close().catch(() => undefined);
  }
}
// The frontend's namespace cache refreshes every few seconds: wait until it knows the new one.
await (await waitForTemporal(address, namespace, Math.max(deadline - Date.now(), 30_000))).close();
