import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../config/load.js';
import { providersFromConfig } from '../activities/providers/from-config.js';
import { otlpTracesUrl } from '../telemetry/tracing.js';
import { defaultWorkerLimits, workerLimitsFromConfig } from '../worker/create-worker.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('configuration', () => {
  it('runs on embedded defaults when nothing is set', () => {
    const config = parseConfig({});
    expect(config.DATABASE_URL).toBe('postgresql://postgres@127.0.0.1:5432/collections');
    expect(config.TEMPORAL_ADDRESS).toBe('127.0.0.1:7233');
    expect(config.TEMPORAL_NAMESPACE).toBe('default');
    expect(config.TEMPORAL_TASK_QUEUE).toBe('collections');
    expect(config.API_PORT).toBe(3000);
    expect(config.SENDGRID_API_KEY).toBeUndefined();
  });

  it('reads and coerces what is set', () => {
    const config = parseConfig({ API_PORT: '8080', TEMPORAL_ADDRESS: 'temporal.internal:7233', TEMPORAL_TASK_QUEUE: 'collections-eu' });
    expect(config.API_PORT).toBe(8080);
    expect(config.TEMPORAL_ADDRESS).toBe('temporal.internal:7233');
    expect(config.TEMPORAL_TASK_QUEUE).toBe('collections-eu');
  });

  it.each([
    ['DATABASE_URL', 'mysql://root@localhost/db', /DATABASE_URL must be a PostgreSQL URL like postgresql:\/\//],
    ['TEMPORAL_ADDRESS', 'localhost', /TEMPORAL_ADDRESS must be host:port/],
    ['API_PORT', '70000', /API_PORT must be a TCP port number/],
    ['API_PORT', 'eighty', /API_PORT must be a TCP port number/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL/],
    ['TWILIO_ACCOUNT_SID', 'not-a-sid', /TWILIO_ACCOUNT_SID must be a Twilio account SID/],
    ['SENDGRID_FROM_EMAIL', 'billing-at-example', /SENDGRID_FROM_EMAIL must be an email address/],
    ['TWILIO_SMS_MAX_PER_SECOND', '0', /TWILIO_SMS_MAX_PER_SECOND must be a positive number of requests per second/],
    ['LOB_MAX_PER_SECOND', 'fast', /LOB_MAX_PER_SECOND must be a number of requests per second/],
    ['TEMPORAL_METRICS_ADDRESS', '9464', /TEMPORAL_METRICS_ADDRESS must be host:port/],
    ['WORKER_METRICS_ADDRESS', 'localhost', /WORKER_METRICS_ADDRESS must be host:port/],
    ['METRICS_TOKEN', 'short', /METRICS_TOKEN must be at least 32 letters/],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'grpc://collector:4317', /OTEL_EXPORTER_OTLP_ENDPOINT must be an http\(s\) URL/],
    ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'collector:4318/v1/traces', /OTEL_EXPORTER_OTLP_TRACES_ENDPOINT must be an http\(s\) URL/],
    ['OTEL_SERVICE_NAME', '   ', /OTEL_SERVICE_NAME must not be empty/],
  ])('refuses %s=%s with a message naming the variable', (name, value, expected) => {
    const problems = problemsOf({ [name]: value });
    expect(problems.join('\n')).toMatch(expected);
  });

  it('names every variable missing from a provider that needs several', () => {
    const problems = problemsOf({ TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}` });
    expect(problems).toEqual([
      expect.stringMatching(/^TWILIO_AUTH_TOKEN must be set together with TWILIO_ACCOUNT_SID/),
      expect.stringMatching(/^TWILIO_FROM_NUMBER must be set together with TWILIO_ACCOUNT_SID/),
    ]);
  });

  it('never echoes a value, which may be a secret', () => {
    const secret = 'postgres-but-not://sup3r-s3cret@db';
    expect(problemsOf({ DATABASE_URL: secret }).join('\n')).not.toContain('sup3r-s3cret');
  });

  it('caps each real provider at its published rate by default, or as configured, and leaves local sinks unlimited', () => {
    const providers = { SENDGRID_API_KEY: 'SG.key', SENDGRID_FROM_EMAIL: 'billing@seller.example', TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`, TWILIO_AUTH_TOKEN: 'token', TWILIO_FROM_NUMBER: '+15005550006', TWILIO_CALL_MODE: 'voice' };
    expect(providersFromConfig(parseConfig(providers)).rateLimits).toEqual({ email: 100, sms: 1, call_task: 1 }); // no Lob: its letters go to the sink
    expect(providersFromConfig(parseConfig({ ...providers, TWILIO_SMS_MAX_PER_SECOND: '3', SENDGRID_MAX_PER_SECOND: '0.5' })).rateLimits).toEqual({ email: 0.5, sms: 3, call_task: 1 });
    expect(providersFromConfig(parseConfig({})).rateLimits).toEqual({});
  });

  it('schedules SendGrid emails 15 minutes ahead by default, and refuses a lead that leaves no time to cancel before the 10-minute cut-off or exceeds 72 hours', () => {
    const sendgrid = { SENDGRID_API_KEY: 'SG.key', SENDGRID_FROM_EMAIL: 'billing@seller.example' };
    expect(parseConfig(sendgrid)).toMatchObject({ SENDGRID_SEND_LEAD_SECONDS: 900, SENDGRID_SEARCH_SETTLE_SECONDS: 900 });
    expect(providersFromConfig(parseConfig({ ...sendgrid, SENDGRID_SEND_LEAD_SECONDS: '1200' })).senders.email.provider).toBe('sendgrid');
    expect(problemsOf({ ...sendgrid, SENDGRID_SEND_LEAD_SECONDS: '600' }).join('\n')).toMatch(/SENDGRID_SEND_LEAD_SECONDS must be at least 631/);
    expect(problemsOf({ ...sendgrid, SENDGRID_SEND_LEAD_SECONDS: String(73 * 3600) }).join('\n')).toMatch(/SENDGRID_SEND_LEAD_SECONDS must be at most 259200/);
  });

  it('serves no metrics unless asked, and refuses the SDK and worker metrics on one address', () => {
    const unset = parseConfig({});
    expect([unset.TEMPORAL_METRICS_ADDRESS, unset.WORKER_METRICS_ADDRESS, unset.METRICS_TOKEN]).toEqual([undefined, undefined, undefined]);
    expect(problemsOf({ TEMPORAL_METRICS_ADDRESS: '127.0.0.1:9464', WORKER_METRICS_ADDRESS: '127.0.0.1:9464' }).join('\n')).toMatch(/WORKER_METRICS_ADDRESS must differ from TEMPORAL_METRICS_ADDRESS/);
  });

  it('sends traces to the traces endpoint as given, else to the base endpoint + /v1/traces, and nowhere when neither is set', () => {
    expect(otlpTracesUrl(parseConfig({}))).toBeUndefined();
    expect(otlpTracesUrl(parseConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }))).toBe('http://collector:4318/v1/traces');
    expect(otlpTracesUrl(parseConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example/otlp' }))).toBe('https://traces.example/otlp');
  });

  it('treats an empty variable as unset', () => {
    expect(parseConfig({ SENDGRID_API_KEY: '', API_PORT: '' }).API_PORT).toBe(3000);
  });

  it('bounds the worker by default (a workflow cache of 50 cases) and reads the limits as set', () => {
    expect(workerLimitsFromConfig(parseConfig({}))).toEqual(defaultWorkerLimits);
    expect(defaultWorkerLimits.maxCachedWorkflows).toBe(50);
    expect(workerLimitsFromConfig(parseConfig({ WORKER_MAX_CACHED_WORKFLOWS: '0', WORKER_MAX_CONCURRENT_COMMAND_ACTIVITIES: '5' }))).toMatchObject({ maxCachedWorkflows: 0, maxConcurrentCommandActivities: 5 });
  });

  it('refuses a workflow cache smaller than the workflow tasks that run at once, naming the variable', () => {
    expect(problemsOf({ WORKER_MAX_CACHED_WORKFLOWS: '10', WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '20' }).join('\n')).toMatch(/WORKER_MAX_CACHED_WORKFLOWS must be 0 or at least WORKER_MAX_CONCURRENT_WORKFLOW_TASKS/);
    expect(problemsOf({ WORKER_MAX_CONCURRENT_DELIVERIES: '0' }).join('\n')).toMatch(/WORKER_MAX_CONCURRENT_DELIVERIES must be at least 1/);
  });
});
