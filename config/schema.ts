import { existsSync } from 'node:fs';
import { z } from 'zod';
import { encryptionKeyList } from './encryption-keys.js';

const postgresUrl = z
  .string()
  .refine((value) => /^postgres(ql)?:\/\/[^\s]+$/.test(value) && URL.canParse(value), {
    message: 'must be a PostgreSQL URL like postgresql://user:password@127.0.0.1:5432/collections',
  });

const hostPort = z
  .string()
  .regex(/^[A-Za-z0-9.\-_[\]:]+:\d{1,5}$/, 'must be host:port, like 127.0.0.1:7233');

const port = z.coerce
  .number({ message: 'must be a TCP port number between 1 and 65535' })
  .int('must be a whole TCP port number between 1 and 65535')
  .min(1, 'must be a TCP port number between 1 and 65535')
  .max(65535, 'must be a TCP port number between 1 and 65535');

const perSecond = (hint: string) =>
  z.coerce
    .number({ message: `must be a number of requests per second (${hint})` })
    .positive(`must be a positive number of requests per second (${hint})`)
    .max(100_000, `must be at most 100000 requests per second (${hint})`);

const workerCount = (what: string, min: number, max: number) =>
  z.coerce
    .number({ message: `must be a whole number of ${what} between ${min} and ${max}` })
    .int(`must be a whole number of ${what} between ${min} and ${max}`)
    .min(min, `must be at least ${min} (${what})`)
    .max(max, `must be at most ${max} (${what})`);

const originList = z
  .string()
  .transform((text) => text.split(',').map((origin) => origin.trim()).filter(Boolean))
  .pipe(z.array(z.string().regex(/^https?:\/\/[^/\s]+$/, 'must be origins like http://127.0.0.1:8233, separated by commas (scheme, host and port; no path)')).min(1, 'must name at least one origin'));

const httpUrl = (hint: string) => z.url({ protocol: /^https?$/, message: `must be an http(s) URL (${hint})` });

const nonEmpty = (hint: string) => z.string().trim().min(1, `must not be empty (${hint})`);
const optionalSecret = (hint: string) => nonEmpty(hint).optional();

/**
 * Every setting the processes read from the environment. Defaults are the embedded
 * development defaults (local PostgreSQL, Temporal dev server, local provider sinks).
 */
export const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    DATABASE_URL: postgresUrl.default('postgresql://postgres@127.0.0.1:5432/collections'),
    /** Connections each API or worker process keeps open; README "Configuration" says how to size it. */
    DATABASE_POOL_SIZE: workerCount('database connections per process', 1, 1_000).default(20),
    /** Rows of one bulk import created at once (each one statement and one workflow start). */
    BULK_IMPORT_CONCURRENCY: workerCount('bulk import rows at once', 1, 256).default(32),
    TEMPORAL_ADDRESS: hostPort.default('127.0.0.1:7233'),
    TEMPORAL_NAMESPACE: nonEmpty('a Temporal namespace, like default').default('default'),
    TEMPORAL_TASK_QUEUE: nonEmpty('a task queue name, like collections').default('collections'),
    TEMPORAL_API_KEY: optionalSecret('a Temporal Cloud API key'),
    TEMPORAL_TLS_CERT_PATH: optionalSecret('a path to a PEM client certificate'),
    TEMPORAL_TLS_KEY_PATH: optionalSecret('a path to a PEM client key'),
    API_HOST: nonEmpty('an interface to listen on, like 127.0.0.1').default('127.0.0.1'),
    API_PORT: port.default(3000),
    PAYMENT_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters (the HMAC secret shared with the payment processor)').optional(),
    SENDGRID_WEBHOOK_PUBLIC_KEY: z.string().regex(/^[A-Za-z0-9+/=]{40,}$/, 'must be the base64 verification key SendGrid shows for the Event Webhook').optional(),
    LOB_WEBHOOK_SECRET: z.string().min(16, 'must be the webhook secret Lob shows (16+ characters)').optional(),
    TWILIO_WEBHOOK_URL: z.url('must be the public URL Twilio calls, like https://api.example.com/v1/webhooks/twilio').optional(),
    SINK_DIR: nonEmpty('a folder for the local provider sinks').default('.data/sinks'),
    LEGAL_PARTNER_WEBHOOK_URL: z.url('must be an http(s) URL, like https://legal.example/cases').optional(),
    SENDGRID_API_KEY: optionalSecret('a SendGrid API key, SG.xxx'),
    SENDGRID_FROM_EMAIL: z.email('must be an email address, like billing@example.com').optional(),
    SENDGRID_BASE_URL: z.url('must be an http(s) URL').optional(),
    /** Email exactly once (README): every email is scheduled this far ahead, under a batch a retry can cancel until 10 minutes before. */
    SENDGRID_SEND_LEAD_SECONDS: workerCount('seconds between the send call and send_at (more than the 10-minute cancel cut-off plus 30 s, at most 72 hours)', 631, 259_200).default(900),
    /** How long after send_at the Email Activity search is trusted, for a retry too late to cancel. */
    SENDGRID_SEARCH_SETTLE_SECONDS: workerCount('seconds after send_at before the Email Activity search is trusted', 0, 86_400).default(900),
    LOB_API_KEY: optionalSecret('a Lob API key, test_xxx or live_xxx'),
    LOB_FROM_ADDRESS_ID: z.string().regex(/^adr_[0-9a-zA-Z]+$/, 'must be a Lob address id, adr_ followed by letters and digits').optional(),
    LOB_BASE_URL: z.url('must be an http(s) URL ending in /v1/').optional(),
    TWILIO_ACCOUNT_SID: z
      .string()
      .regex(/^AC[0-9a-fA-F]{32}$/, 'must be a Twilio account SID, AC followed by 32 hex digits')
      .optional(),
    TWILIO_AUTH_TOKEN: optionalSecret('a Twilio auth token'),
    TWILIO_FROM_NUMBER: z
      .string()
      .regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 phone number, like +15005550006')
      .optional(),
    TWILIO_WORKSPACE_SID: z.string().regex(/^WS[0-9a-fA-F]{32}$/, 'must be a TaskRouter workspace SID, WS followed by 32 hex digits').optional(),
    TWILIO_WORKFLOW_SID: z.string().regex(/^WW[0-9a-fA-F]{32}$/, 'must be a TaskRouter workflow SID, WW followed by 32 hex digits').optional(),
    TWILIO_BASE_URL: z.url('must be an http(s) URL').optional(),
    /** task: a collector's call task in TaskRouter; voice: an automated reminder call. */
    TWILIO_CALL_MODE: z.enum(['task', 'voice'], { message: 'must be task (a TaskRouter call task for a collector) or voice (an automated reminder call)' }).default('task'),
    LEGAL_PARTNER_EMAIL: z.email('must be an email address, like cases@lawfirm.example').optional(),
    /** Payload encryption (README "Encryption of payloads"): exactly one of the two. */
    PAYLOAD_ENCRYPTION_KEYS: encryptionKeyList.optional(),
    PAYLOAD_ENCRYPTION_KEY_FILE: nonEmpty('a path to a file of id:base64key lines, newest first').optional(),
    /** The codec server's own bearer token (the Web UI's codec endpoint carries it in its path). */
    CODEC_SERVER_TOKEN: z.string().regex(/^[A-Za-z0-9_-]{32,}$/, 'must be at least 32 letters, digits, - or _ (openssl rand -hex 32)').optional(),
    /** Browser origins (the Temporal Web UI) allowed to call the codec server. */
    CODEC_CORS_ORIGINS: originList.default(['http://127.0.0.1:8233', 'http://localhost:8233']),
    /** The Temporal SDK's own metrics (the worker's Runtime telemetry, Prometheus format); unset: not served. README "Metrics". */
    TEMPORAL_METRICS_ADDRESS: hostPort.optional(),
    /** The worker's business metrics (what activities count) at /metrics; unset: not served. */
    WORKER_METRICS_ADDRESS: hostPort.optional(),
    /** A bearer token the API's /metrics requires; unset: /metrics is open (it carries counts, no customer data). */
    METRICS_TOKEN: z.string().regex(/^[A-Za-z0-9_-]{32,}$/, 'must be at least 32 letters, digits, - or _ (openssl rand -hex 32)').optional(),
    /** Traces over OTLP/HTTP (README "Traces"): the collector's base URL (spans go to <it>/v1/traces); unset, with the next one unset too: tracing is off. */
    OTEL_EXPORTER_OTLP_ENDPOINT: httpUrl('an OTLP/HTTP collector, like http://127.0.0.1:4318').optional(),
    /** The full traces URL, taken as is; wins over OTEL_EXPORTER_OTLP_ENDPOINT (the OpenTelemetry rule). */
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: httpUrl('an OTLP/HTTP traces URL, like http://127.0.0.1:4318/v1/traces').optional(),
    /** The service name on every span; default collections-api or collections-worker by process. */
    OTEL_SERVICE_NAME: nonEmpty('a service name, like collections-api').optional(),
    /** The console (README "Console"): session limits, and whether to trust a TLS proxy's X-Forwarded-Proto (Secure, __Host- cookies). */
    CONSOLE_SESSION_IDLE_MINUTES: workerCount('minutes', 5, 24 * 60).default(120),
    CONSOLE_SESSION_MAX_HOURS: workerCount('hours', 1, 24 * 30).default(12),
    CONSOLE_TRUST_PROXY: z.enum(['true', 'false'], { message: 'must be true or false' }).default('false').transform((value) => value === 'true'),
    /** Origins besides the console's own allowed to POST its forms (a proxy that rewrites the host). */
    CONSOLE_ALLOWED_ORIGINS: originList.optional(),
    /** Provider rate limits (requests per second), applied as Temporal task-queue rate limits; README "Rate limits". */
    SENDGRID_MAX_PER_SECOND: perSecond('SendGrid mail sends, like 100').default(100),
    LOB_MAX_PER_SECOND: perSecond('Lob letters, like 25').default(25),
    TWILIO_SMS_MAX_PER_SECOND: perSecond('Twilio messages: 1 per long code, more for toll-free or short codes').default(1),
    TWILIO_CALLS_MAX_PER_SECOND: perSecond('Twilio calls or call tasks: your account’s calls per second, 1 by default').default(1),
    /** A workflow bundle built ahead (`npm run build` writes dist/workflow-bundle.js); unset: the worker bundles workflows/ at start. */
    WORKFLOW_BUNDLE_PATH: z
      .string()
      .regex(/\.js$/, 'must be the path of a .js workflow bundle (npm run build writes dist/workflow-bundle.js)')
      .refine((path) => existsSync(path), 'names no file: run npm run build, or unset it to bundle at start')
      .optional(),
    /** After SIGTERM, how long in-flight activities (a send at a provider) may finish before they are cancelled; below the orchestrator's kill timeout (Kubernetes: 30 s). */
    WORKER_SHUTDOWN_GRACE_SECONDS: workerCount('seconds in-flight activities may take to finish after SIGTERM', 0, 3_600).default(25),
    /** Worker limits: README "Worker memory and limits" explains each default. */
    WORKER_MAX_CACHED_WORKFLOWS: workerCount('cached workflows (0 turns the cache off)', 0, 100_000).default(50),
    WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: workerCount('workflow tasks at once', 2, 1_000).default(20),
    WORKER_MAX_CONCURRENT_ACTIVITIES: workerCount('case activities at once (records, fees, hand-offs)', 1, 1_000).default(50),
    WORKER_MAX_CONCURRENT_COMMAND_ACTIVITIES: workerCount("activities at once on the commands queue (a payment's, dispute's or pause's write)", 1, 1_000).default(20),
    WORKER_MAX_CONCURRENT_DELIVERIES: workerCount('deliveries at once per channel', 1, 1_000).default(20),
  })
  .superRefine((config, ctx) => {
    const together = (names: (keyof typeof config)[], why: string) => {
      const set = names.filter((name) => config[name] !== undefined);
      if (set.length > 0 && set.length < names.length) {
        for (const name of names.filter((n) => config[n] === undefined)) {
          ctx.addIssue({ code: 'custom', path: [name], message: `must be set together with ${set.join(', ')} (${why})` });
        }
      }
    };
    together(['TEMPORAL_TLS_CERT_PATH', 'TEMPORAL_TLS_KEY_PATH'], 'mTLS needs both certificate and key');
    together(['SENDGRID_API_KEY', 'SENDGRID_FROM_EMAIL'], 'SendGrid needs a key and a verified sender');
    together(['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM_NUMBER'], 'Twilio needs account, token and caller number');
    together(['LOB_API_KEY', 'LOB_FROM_ADDRESS_ID'], 'Lob needs a key and the sender address');
    together(['TWILIO_WORKSPACE_SID', 'TWILIO_WORKFLOW_SID'], 'call tasks need a TaskRouter workspace and workflow');
    if (config.PAYLOAD_ENCRYPTION_KEYS && config.PAYLOAD_ENCRYPTION_KEY_FILE) {
      ctx.addIssue({ code: 'custom', path: ['PAYLOAD_ENCRYPTION_KEY_FILE'], message: 'must not be set together with PAYLOAD_ENCRYPTION_KEYS (keys come from one place)' });
    }
    if (config.TEMPORAL_METRICS_ADDRESS && config.TEMPORAL_METRICS_ADDRESS === config.WORKER_METRICS_ADDRESS) {
      ctx.addIssue({ code: 'custom', path: ['WORKER_METRICS_ADDRESS'], message: 'must differ from TEMPORAL_METRICS_ADDRESS (two servers cannot share one address)' });
    }
    if (config.WORKER_MAX_CACHED_WORKFLOWS > 0 && config.WORKER_MAX_CACHED_WORKFLOWS < config.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS) {
      ctx.addIssue({ code: 'custom', path: ['WORKER_MAX_CACHED_WORKFLOWS'], message: `must be 0 or at least WORKER_MAX_CONCURRENT_WORKFLOW_TASKS (${config.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS}): every workflow task in flight holds a cached workflow` });
    }
    if (config.TWILIO_WORKSPACE_SID && !config.TWILIO_ACCOUNT_SID) {
      ctx.addIssue({ code: 'custom', path: ['TWILIO_ACCOUNT_SID'], message: 'must be set when TWILIO_WORKSPACE_SID is (call tasks go through Twilio)' });
    }
  });

export type Config = z.infer<typeof configSchema>;
