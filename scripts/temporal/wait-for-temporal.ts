import { Connection } from '@temporalio/client';

/** Connects to a Temporal frontend, retrying until it answers a namespace describe or time runs out. */
export async function waitForTemporal(address: string, namespace: string, timeoutMs: number): Promise<Connection> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({ address, connectTimeout: 2_000 });
      await connection.workflowService.describeNamespace({ namespace });
      return connection;
    } catch (error) {
      lastError = error;
      await connection?.close().catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  throw new Error(`Temporal at ${address} (namespace ${namespace}) did not answer within ${timeoutMs} ms: ${String(lastError)}`);
}
