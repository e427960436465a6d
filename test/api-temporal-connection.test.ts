import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { LazyNativeConnection } from '../api/temporal-connection.js';
import { freePort } from './support/free-port.js';

/**
 * The API's connection to Temporal (the SDK's NativeConnection, connected on first use) against the
 * real dev server. "Temporal comes up after the API" is a plain TCP relay to the server that starts
 * listening on a port where nothing listened before.
 */
const namespace = inject('temporalNamespace');
const [serverHost, serverPort] = inject('temporalAddress').split(':') as [string, string];
const opened: { close(): unknown }[] = [];
afterAll(async () => {
  for (const thing of opened) await thing.close();
});

/** Relays every connection on `port` to the Temporal server. */
function relayTo(port: number): Promise<Server> {
  const sockets: Socket[] = [];
  const relay = createServer((client) => {
    const server = connect(Number(serverPort), serverHost);
    sockets.push(client, server);
    client.pipe(server).pipe(client);
    client.on('error', () => server.destroy());
    server.on('error', () => client.destroy());
  });
  opened.push({ close: () => new Promise((resolve) => { for (const socket of sockets) socket.destroy(); relay.close(resolve); }) });
  return new Promise((resolve) => relay.listen(port, '127.0.0.1', () => resolve(relay)));
}

describe('LazyNativeConnection', () => {
  it('fails calls while Temporal is unreachable, and the same connection answers once it is up: a failed connect is not kept', async () => {
    const port = await freePort();
    const connection = new LazyNativeConnection({ address: `127.0.0.1:${port}` });
    opened.push(connection);
    await expect(connection.workflowService.describeNamespace({ namespace })).rejects.toThrow();
    await relayTo(port);
    const described = await connection.workflowService.describeNamespace({ namespace });
    expect(described.namespaceInfo?.name).toBe(namespace);
  });

  it('carries withDeadline into the native call: a deadline already passed fails the call, a later one lets it through', async () => {
    const connection = new LazyNativeConnection({ address: inject('temporalAddress') });
    opened.push(connection);
    await connection.ensureConnected();
    const late = await connection.withDeadline(Date.now() - 1_000, () => connection.workflowService.describeNamespace({ namespace })).catch((error: unknown) => error);
    // The native connection says so as CANCELLED "Timeout expired", not as DEADLINE_EXCEEDED (the console's query deadline catches either).
    expect(late).toMatchObject({ name: 'ServiceError', message: expect.stringMatching(/timeout expired/i) });
    const described = await connection.withDeadline(Date.now() + 30_000, () => connection.workflowService.describeNamespace({ namespace }));
    expect(described.namespaceInfo?.name).toBe(namespace);
  });

  it('is not a thenable (awaiting a service gives the service back, not a call)', async () => {
    const connection = new LazyNativeConnection({ address: inject('temporalAddress') });
    opened.push(connection);
    const service = connection.workflowService;
    expect(await Promise.resolve(service)).toBe(service);
  });
});
