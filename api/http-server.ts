import { serve, type ServerType } from '@hono/node-server';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { maxHeaderSize } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { PROBLEM_CONTENT_TYPE } from './problem.js';

/**
 * Node answers requests it cannot parse itself, before Hono sees them: a header block over its
 * limit gets a bare `431` with no body. Answer those as problem+json like every other error, and
 * close the connection (its remaining bytes cannot be trusted as the next request).
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, title, detail] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large', `The request line and headers together exceed the server's limit of ${maxHeaderSize} bytes: shorten the query string or the headers.`]
      : [400, 'Bad Request', 'The request is not valid HTTP/1.1.'];
  const body = JSON.stringify({ type: 'about:blank', title, status, detail });
  socket.end(
    `HTTP/1.1 ${status} ${title}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** The API's HTTP server: Hono on Node, with Node's own parse errors answered as problems. */
export function startHttpServer(app: OpenAPIHono, options: { hostname: string; port: number }, onListening?: (info: AddressInfo) => void): ServerType {
  const server = serve({ fetch: app.fetch, hostname: options.hostname, port: options.port }, onListening);
  server.on('clientError', answerClientError);
  return server;
}
