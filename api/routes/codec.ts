import type { PayloadCodec } from '@temporalio/common';
import { type Context, Hono } from 'hono';
import { bodyLimitByLength } from '../middleware/body-limit.js';
import { cors } from 'hono/cors';
import type { Logger } from 'pino';
import type { ApiKeyLookup } from '../auth/api-key-lookup.js';
import { codecCaller, isCodecToken } from '../codec/codec-auth.js';
import { payloadsFromJson, payloadsJsonSchema, payloadsToJson } from '../codec/payloads-json.js';
import { problem } from '../problem.js';
import { validationProblem } from '../validation.js';

export interface CodecServerOptions {
  readonly codec: PayloadCodec;
  readonly apiKeys: ApiKeyLookup;
  readonly logger: Logger;
  /** CODEC_SERVER_TOKEN; without it only admin API keys are accepted (and the path form is off). */
  readonly token?: string;
  /** Origins of the Temporal Web UI. */
  readonly corsOrigins: readonly string[];
  readonly maxBodyBytes: number;
}

type Operation = 'encode' | 'decode';

/**
 * Temporal's codec server protocol (POST …/encode, …/decode with Payloads as protobuf JSON), so the
 * Web UI and the CLI show decrypted data to those allowed to see it:
 * - `POST /codec/{(?:encode|decode)}` with `Authorization: Bearer <CODEC_SERVER_TOKEN or admin API key>`
 *   (the CLI: `--codec-endpoint …/codec --codec-auth "Bearer …"`);
 * - `POST /codec/<CODEC_SERVER_TOKEN>/{(?:encode|decode)}`: the Web UI started by `temporal server
 *   start-dev --ui-codec-endpoint` cannot send a header, so the token is in its endpoint's path.
 *   The protocol only looks at the last path segment, so this is still a conforming endpoint.
 */
type CodecEnv = { Variables: { requestId: string } };

export function codecRoutes(options: CodecServerOptions): Hono<CodecEnv> {
  const app = new Hono<CodecEnv>();
  app.use(
    '/codec/*',
    cors({ origin: [...options.corsOrigins], allowMethods: ['POST', 'OPTIONS'], allowHeaders: ['Content-Type', 'Authorization', 'X-Namespace'], credentials: true, maxAge: 600 }),
    bodyLimitByLength({ maxSize: options.maxBodyBytes, onError: (c) => problem(c, 413, { title: 'Payload Too Large', detail: `Codec requests are limited to ${options.maxBodyBytes} bytes.` }) }),
  );

  app.post('/codec/:operation{(?:encode|decode)}', async (c) => {
    const presented = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    const caller = await codecCaller(presented, options.token, options.apiKeys);
    if (!caller.ok) {
      if (caller.status === 401) c.header('www-authenticate', 'Bearer');
      return problem(c, caller.status, { title: caller.status === 401 ? 'Unauthorized' : 'Forbidden', detail: caller.detail });
    }
    return run(c, c.req.param('operation') as Operation, caller.who);
  });

  app.post('/codec/:token/:operation{(?:encode|decode)}', async (c) => {
    if (!isCodecToken(c.req.param('token'), options.token)) {
      return problem(c, 401, { title: 'Unauthorized', detail: 'The codec endpoint path does not carry the codec server token.' });
    }
    return run(c, c.req.param('operation') as Operation, 'codec-token (path)');
  });

  async function run(c: Context<CodecEnv>, operation: Operation, who: string): Promise<Response> {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return problem(c, 400, { title: 'Bad Request', detail: 'The body must be JSON: {"payloads": [{"metadata": {…}, "data": "<base64>"}]}.' });
    }
    const parsed = payloadsJsonSchema.safeParse(body);
    if (!parsed.success) return validationProblem(c, parsed.error, 'body');
    const payloads = payloadsFromJson(parsed.data);
    let result;
    try {
      result = operation === 'encode' ? await options.codec.encode(payloads) : await options.codec.decode(payloads);
    } catch (error) {
      // An unknown key id or a tampered payload: nothing is decoded, and the caller is told why.
      return problem(c, 422, { title: 'Cannot decode', detail: (error as Error).message });
    }
    options.logger.info({ requestId: c.get('requestId'), who, operation, payloads: payloads.length, namespace: c.req.header('x-namespace') }, 'codec');
    return c.json(payloadsToJson(result), 200);
  }

  return app;
}
