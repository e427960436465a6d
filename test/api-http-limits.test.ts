import { once } from 'node:events';
import { Agent, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../api/app.js';
import { startHttpServer } from '../api/http-server.js';

/** Node's own HTTP server and client over a real socket: these limits live below Hono. */
const app = createApp({ logger: pino({ level: 'silent' }), readinessChecks: {}, maxBodyBytes: 1024 });
let server: ReturnType<typeof startHttpServer>;
let port: number;

beforeAll(async () => {
  server = startHttpServer(app, { hostname: '127.0.0.1', port: 0 });
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** A request on the agent's connection; a body goes with its Content-Length, or `chunked` without one, as streaming clients send it. */
function send(agent: Agent, method: string, path: string, body?: Buffer, { chunked = false } = {}): Promise<{ response: IncomingMessage; text: string }> {
  return new Promise((resolve, reject) => {
    const headers = body ? { 'content-type': 'application/json' } : {};
    const outgoing = request({ host: '127.0.0.1', port, method, path, agent, headers }, (response) => {
      let text = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ response, text }));
    });
    outgoing.on('error', reject);
    // The server stops reading a refused body: the rest of our upload may meet a closed socket.
    outgoing.on('socket', (socket) => socket.on('error', () => undefined));
    if (body && chunked) outgoing.write(body); // written before end: Node sends it chunked
    outgoing.end(chunked ? undefined : body);
  });
}

describe('HTTP limits below the app', () => {
  it('answers a query string over the header limit with a 431 problem+json', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const { response, text } = await send(agent, 'GET', `/v1/cases?customerId=${'x'.repeat(20_000)}`);
    agent.destroy();
    expect(response.statusCode).toBe(431);
    expect(response.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(text)).toMatchObject({ status: 431, title: 'Request Header Fields Too Large', detail: expect.stringContaining('shorten the query string') });
  });

  it.each([
    ['with its Content-Length', false],
    ['chunked, without a Content-Length', true],
  ])('answers a body over the limit sent %s with 413 and closes the connection, so a keep-alive client sends its next request on a new one', async (_how, chunked) => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const tooLarge = await send(agent, 'POST', '/v1/invoices', Buffer.from(JSON.stringify({ pad: 'y'.repeat(4 * 1024 * 1024) })), { chunked });
    expect(tooLarge.response.statusCode).toBe(413);
    expect(JSON.parse(tooLarge.text)).toMatchObject({ status: 413, title: 'Payload Too Large' });
    expect(tooLarge.response.headers.connection).toBe('close');
    const next = await send(agent, 'GET', '/health');
    agent.destroy();
    expect(next.response.statusCode).toBe(200);
    expect(JSON.parse(next.text)).toMatchObject({ status: 'ok' });
  });
});
