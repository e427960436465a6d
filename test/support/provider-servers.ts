import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isoDay } from './clock.js';

/**
 * One local HTTP server that answers like the parts of SendGrid, Lob and Twilio the product uses,
 * so the real SDKs run their real code paths in tests (the real APIs cannot be reached here).
 * It records every request and what each provider accepted (and when), lists what was accepted
 * with the providers' own filters, and can be told to stall the answer to a request it accepted.
 */

export interface RecordedRequest {
  readonly provider: 'sendgrid' | 'lob' | 'twilio';
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: unknown;
}

export type AcceptedKind = 'sendgrid' | 'lob' | 'twilio-sms' | 'twilio-task' | 'twilio-call';

export interface Accepted {
  readonly provider: AcceptedKind;
  readonly id: string;
  readonly idempotencyKey: string | undefined;
  readonly body: Record<string, unknown>;
  /** When it was accepted (epoch ms). */
  readonly at: number;
}

/**
 * SendGrid's clock as documented (README "Email exactly once"): cancels refused later than
 * `cancelCutoffMs` before send_at, at most `maxCancelledBatches` batches cancelled or paused at
 * once, and the Email Activity search sees a message only `searchLagMs` after its delivery.
 * Tests shrink the cut-off (and the sender's lead with it) to seconds.
 */
export interface SendGridBehaviour {
  readonly cancelCutoffMs: number;
  readonly searchLagMs: number;
  readonly maxCancelledBatches: number;
}

export const documentedSendGrid: SendGridBehaviour = { cancelCutoffMs: 10 * 60_000, searchLagMs: 2 * 60_000, maxCancelledBatches: 10 };

/**
 * SendGrid under strain, as the real one behaves: every Mail Send answered `answerAfterMs` late,
 * and every `refuseEvery`-th one (when set) answered `refuseStatus` (429 Too Many Requests, or a
 * 5xx) without taking the message.
 */
export interface SendGridStrain {
  readonly answerAfterMs: number;
  readonly refuseEvery?: number;
  readonly refuseStatus?: number;
}

export interface ProviderServers {
  readonly baseUrl: string;
  readonly requests: RecordedRequest[];
  /** What each provider's API took (SendGrid: scheduled messages included, whether or not they are ever delivered). */
  readonly accepted: Accepted[];
  /**
   * The emails SendGrid has delivered by `asOf` (now if not given; a later instant: what it will
   * have delivered by then as things stand): at send_at (on acceptance if none), unless their
   * batch was cancelled, or held by a pause.
   */
  sendgridDelivered(asOf?: number): Accepted[];
  /** Holds the answer to the next request of this kind this long after accepting it (a worker can be killed meanwhile). */
  stallNext(kind: AcceptedKind, ms: number): void;
  /** Resolves when the next request of this kind has been accepted. */
  nextAccepted(kind: AcceptedKind): Promise<void>;
  /** Strains every later Mail Send (benches); `undefined` ends it. */
  strainSendGrid(strain: SendGridStrain | undefined): void;
  close(): Promise<void>;
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
/** Twilio's date format: RFC 2822 in UTC, `Tue, 31 Aug 2010 20:36:28 +0000`. */
const twilioDate = (at: number) => new Date(at).toUTCString().replace('GMT', '+0000');

async function readBody(request: IncomingMessage): Promise<{ raw: string; parsed: unknown }> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  const type = request.headers['content-type'] ?? '';
  if (type.includes('json')) return { raw, parsed: raw ? JSON.parse(raw) : {} };
  if (type.includes('x-www-form-urlencoded')) return { raw, parsed: Object.fromEntries(new URLSearchParams(raw)) };
  return { raw, parsed: raw };
}

function json(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

const HOUR = 3_600_000;

interface ScheduledMail {
  readonly accepted: Accepted;
  readonly batchId: string | undefined;
  /** Epoch ms; the acceptance time when the request had no send_at. */
  readonly sendAt: number;
}

/** A batch's cancel or pause, set at `at`; `removedAt` once deleted (a paused batch then resumes). */
interface BatchStatus {
  readonly status: 'cancel' | 'pause';
  readonly at: number;
  removedAt?: number;
}

export async function startProviderServers(options: { sendgrid?: Partial<SendGridBehaviour> } = {}): Promise<ProviderServers> {
  const behaviour: SendGridBehaviour = { ...documentedSendGrid, ...options.sendgrid };
  const requests: RecordedRequest[] = [];
  const accepted: Accepted[] = [];
  const lobByKey = new Map<string, Record<string, unknown>>();
  const stalls = new Map<AcceptedKind, number>();
  const waiters = new Map<AcceptedKind, (() => void)[]>();
  // Twilio's own records, as its list endpoints return them.
  const twilioMessages: Record<string, unknown>[] = [];
  const twilioCalls: Record<string, unknown>[] = [];
  // SendGrid's batches (created at), their cancel or pause history, and every mail it took.
  const batches = new Map<string, number>();
  const batchStatuses = new Map<string, BatchStatus[]>();
  const mails: ScheduledMail[] = [];
  let strain: SendGridStrain | undefined;
  let strainedSends = 0;

  /** Records an accepted request, wakes whoever waits for one, and holds the answer if told to. */
  async function accept(entry: Omit<Accepted, 'at'>): Promise<void> {
    accepted.push({ ...entry, at: Date.now() });
    const waiting = waiters.get(entry.provider) ?? [];
    waiters.delete(entry.provider);
    waiting.forEach((resolve) => resolve());
    const stall = stalls.get(entry.provider);
    if (stall) {
      stalls.delete(entry.provider);
      await new Promise((resolve) => setTimeout(resolve, stall));
    }
  }

  /** When SendGrid delivers `mail`, as of now: undefined while it waits, or never (cancelled, expired). */
  function deliveryTime(mail: ScheduledMail, now: number): number | undefined {
    if (mail.sendAt > now) return undefined;
    // The status in effect at send_at decides: cancelled, discarded; paused, held until resumed (72 h at most).
    const inEffect = (batchStatuses.get(mail.batchId ?? '') ?? []).find((s) => s.at <= mail.sendAt && (s.removedAt === undefined || s.removedAt > mail.sendAt));
    if (!inEffect) return mail.sendAt;
    if (inEffect.status === 'cancel') return undefined;
    const resumed = inEffect.removedAt;
    return resumed !== undefined && resumed <= now && resumed <= mail.sendAt + 72 * HOUR ? resumed : undefined;
  }

  function sendgridDelivered(now = Date.now()): Accepted[] {
    return mails.flatMap((mail) => {
      const at = deliveryTime(mail, now);
      return at === undefined ? [] : [{ ...mail.accepted, at }];
    });
  }

  /** The batch's status still counts against the limit while one of its messages waits for send_at (our reading of "pending cancellation"). */
  const pendingStatuses = (now: number) =>
    [...batchStatuses.entries()].filter(([batchId, statuses]) => statuses.some((s) => s.removedAt === undefined) && mails.some((m) => m.batchId === batchId && m.sendAt > now)).length;
  const batchValid = (batchId: string, now: number) => (batches.get(batchId) ?? -Infinity) > now - 10 * 24 * HOUR;
  const sendgridError = (response: ServerResponse, status: number, message: string, field: string | null = null) => json(response, status, { errors: [{ message, field }] });

  const sendgrid = async (request: IncomingMessage, response: ServerResponse, url: URL, body: unknown) => {
    const now = Date.now();
    if (request.method === 'POST' && url.pathname === '/v3/mail/send') {
      const mail = body as { personalizations: { to: { email: string }[] }[]; custom_args?: Record<string, string>; batch_id?: string; send_at?: number };
      if (strain) {
        const { answerAfterMs, refuseEvery, refuseStatus = 429 } = strain;
        strainedSends += 1;
        await new Promise((resolve) => setTimeout(resolve, answerAfterMs));
        if (refuseEvery && strainedSends % refuseEvery === 0) return json(response, refuseStatus, { errors: [{ message: refuseStatus === 429 ? 'too many requests' : 'internal error', field: null }] }, refuseStatus === 429 ? { 'retry-after': '1' } : {});
      }
      const to = mail.personalizations[0]?.to[0]?.email ?? '';
      if (to.endsWith('@rejected.example')) {
        return json(response, 400, { errors: [{ message: 'Does not contain a valid address.', field: 'personalizations.0.to.0.email', help: null }] });
      }
      if (mail.batch_id !== undefined && !batchValid(mail.batch_id, now)) return sendgridError(response, 400, 'The batch ID is not valid.', 'batch_id');
      if (mail.send_at !== undefined && (!Number.isInteger(mail.send_at) || mail.send_at * 1000 > now + 72 * HOUR)) return sendgridError(response, 400, 'send_at must be a UNIX timestamp at most 72 hours ahead.', 'send_at');
      const id = hex(11);
      const entry = { provider: 'sendgrid' as const, id, idempotencyKey: mail.custom_args?.idempotency_key, body: body as Record<string, unknown> };
      mails.push({ accepted: { ...entry, at: now }, batchId: mail.batch_id, sendAt: mail.send_at !== undefined ? mail.send_at * 1000 : now });
      await accept(entry);
      response.writeHead(202, { 'x-message-id': id });
      return response.end();
    }
    if (request.method === 'POST' && url.pathname === '/v3/mail/batch') {
      const batchId = `${hex(16)}-${hex(4)}`;
      batches.set(batchId, now);
      return json(response, 201, { batch_id: batchId });
    }
    const validate = /^\/v3\/mail\/batch\/([^/]+)$/.exec(url.pathname);
    if (request.method === 'GET' && validate) {
      return batchValid(validate[1]!, now) ? json(response, 200, { batch_id: validate[1] }) : sendgridError(response, 400, 'invalid batch id');
    }
    const oneStatus = /^\/v3\/user\/scheduled_sends\/([^/]+)$/.exec(url.pathname);
    const current = (batchId: string) => (batchStatuses.get(batchId) ?? []).find((s) => s.removedAt === undefined);
    /** A cancel or pause must come 10 minutes (the cut-off) before the send_at of every message of the batch. */
    const tooLate = (batchId: string) => mails.some((m) => m.batchId === batchId && m.sendAt - now < behaviour.cancelCutoffMs);
    if (url.pathname === '/v3/user/scheduled_sends' && request.method === 'POST') {
      const { batch_id: batchId, status } = body as { batch_id?: string; status?: string };
      if (!batchId || !batchValid(batchId, now)) return sendgridError(response, 400, 'invalid batch id', 'batch_id');
      if (status !== 'cancel' && status !== 'pause') return sendgridError(response, 400, 'status must be cancel or pause', 'status');
      if (current(batchId)) return sendgridError(response, 400, 'batch id already has a status', 'batch_id');
      if (tooLate(batchId)) return sendgridError(response, 400, 'cannot cancel or pause a batch later than 10 minutes before its send_at', 'batch_id');
      if (pendingStatuses(now) >= behaviour.maxCancelledBatches) return sendgridError(response, 400, `max limit reached: ${behaviour.maxCancelledBatches} batches cancelled or paused`, null);
      batchStatuses.set(batchId, [...(batchStatuses.get(batchId) ?? []), { status, at: now }]);
      return json(response, 201, { batch_id: batchId, status });
    }
    if (url.pathname === '/v3/user/scheduled_sends' && request.method === 'GET') {
      return json(response, 200, [...batchStatuses.keys()].flatMap((batchId) => (current(batchId) ? [{ batch_id: batchId, status: current(batchId)!.status }] : [])));
    }
    if (oneStatus && request.method === 'GET') {
      const status = current(oneStatus[1]!);
      return json(response, 200, status ? [{ batch_id: oneStatus[1], status: status.status }] : []);
    }
    if (oneStatus && request.method === 'PATCH') {
      const status = current(oneStatus[1]!);
      const wanted = (body as { status?: string }).status;
      if (!status) return sendgridError(response, 404, 'not found');
      if (wanted !== 'cancel' && wanted !== 'pause') return sendgridError(response, 400, 'status must be cancel or pause', 'status');
      if (tooLate(oneStatus[1]!)) return sendgridError(response, 400, 'cannot cancel or pause a batch later than 10 minutes before its send_at', 'batch_id');
      status.removedAt = now;
      batchStatuses.get(oneStatus[1]!)!.push({ status: wanted, at: now });
      response.writeHead(204);
      return response.end();
    }
    if (oneStatus && request.method === 'DELETE') {
      const status = current(oneStatus[1]!);
      if (!status) return sendgridError(response, 404, 'not found');
      status.removedAt = now;
      response.writeHead(204);
      return response.end();
    }
    if (request.method === 'GET' && url.pathname === '/v3/messages') {
      // The Email Activity search: only what was delivered at least `searchLagMs` ago.
      const key = /idempotency_key'\]="([^"]+)"/.exec(url.searchParams.get('query') ?? '')?.[1];
      const found = sendgridDelivered(now).filter((a) => a.idempotencyKey === key && a.at <= now - behaviour.searchLagMs);
      return json(response, 200, { messages: found.map((a) => ({ msg_id: a.id, status: 'delivered' })) });
    }
    json(response, 404, { errors: [{ message: 'not found' }] });
  };

  const lob = async (request: IncomingMessage, response: ServerResponse, url: URL, body: unknown) => {
    if (request.method === 'POST' && url.pathname === '/v1/letters') {
      const form = body as Record<string, string>;
      const key = request.headers['idempotency-key'] as string | undefined;
      const earlier = key ? lobByKey.get(key) : undefined;
      if (earlier) return json(response, 200, earlier);
      if ((form['to[address_line1]'] ?? '').toUpperCase().includes('UNDELIVERABLE')) {
        return json(response, 422, { error: { message: 'the address is undeliverable', status_code: 422, code: 'failed_deliverability_strictness' } });
      }
      const letter = { id: `ltr_${hex(8)}`, object: 'letter', description: form.description, to: { name: form['to[name]'] }, expected_delivery_date: isoDay(5) };
      if (key) lobByKey.set(key, letter);
      await accept({ provider: 'lob', id: letter.id, idempotencyKey: key, body: form });
      return json(response, 200, letter);
    }
    json(response, 404, { error: { message: 'not found', status_code: 404 } });
  };

  /**
   * Twilio's 2010 list filters: To and From exact, DateSent/StartTime as a day or instant with
   * `<`/`>` for "on or before/after". A message still queued has no date_sent, a call still
   * queued no start_time, so a filter on them leaves those out, as Twilio does. Newest first.
   */
  function twilioList(records: Record<string, unknown>[], url: URL, key: 'messages' | 'calls', dateField: 'date_sent' | 'start_time', dateParam: 'DateSent' | 'StartTime') {
    const query = url.searchParams;
    const bound = (suffix: '' | '<' | '>') => query.get(`${dateParam}${suffix}`);
    const day = (text: string) => text.slice(0, 10);
    const found = records.filter((record) => {
      if (query.has('To') && record.to !== query.get('To')) return false;
      if (query.has('From') && record.from !== query.get('From')) return false;
      if (bound('') === null && bound('<') === null && bound('>') === null) return true;
      const when = record[dateField] ? new Date(record[dateField] as string).toISOString() : undefined;
      if (!when) return false;
      const on = bound(''), before = bound('<'), after = bound('>');
      if (on !== null && day(when) !== day(on)) return false;
      if (before !== null && when > (before.length === 10 ? `${before}T23:59:59.999Z` : new Date(before).toISOString())) return false;
      if (after !== null && when < (after.length === 10 ? `${after}T00:00:00.000Z` : new Date(after).toISOString())) return false;
      return true;
    });
    const pageSize = Math.min(Number(query.get('PageSize') ?? 50), 1000);
    const newestFirst = [...found].reverse().slice(0, pageSize);
    const uri = `${url.pathname}?PageSize=${pageSize}&Page=0`;
    return { [key]: newestFirst, first_page_uri: uri, next_page_uri: null, previous_page_uri: null, page: 0, page_size: pageSize, start: 0, end: Math.max(newestFirst.length - 1, 0), uri };
  }

  const twilio = async (request: IncomingMessage, response: ServerResponse, url: URL, body: unknown) => {
    const form = body as Record<string, string>;
    const messages = /^\/2010-04-01\/Accounts\/(AC\w+)\/Messages\.json$/.exec(url.pathname);
    if (request.method === 'POST' && messages) {
      if (form.To?.startsWith('+1500555000')) {
        return json(response, 400, { code: 21211, message: `The 'To' number ${form.To} is not a valid phone number.`, more_info: 'https://www.twilio.com/docs/errors/21211', status: 400 });
      }
      const sms = { sid: `SM${hex(16)}`, account_sid: messages[1], to: form.To, from: form.From, body: form.Body, status: 'queued', direction: 'outbound-api', date_created: twilioDate(Date.now()), date_sent: null };
      twilioMessages.push(sms);
      await accept({ provider: 'twilio-sms', id: sms.sid, idempotencyKey: undefined, body: form });
      return json(response, 201, sms);
    }
    if (request.method === 'GET' && messages) return json(response, 200, twilioList(twilioMessages, url, 'messages', 'date_sent', 'DateSent'));
    const calls = /^\/2010-04-01\/Accounts\/(AC\w+)\/Calls\.json$/.exec(url.pathname);
    if (request.method === 'POST' && calls) {
      // The list never returns the TwiML or the callback URL the call was created with.
      const call = { sid: `CA${hex(16)}`, account_sid: calls[1], to: form.To, from: form.From, status: 'queued', direction: 'outbound-api', date_created: twilioDate(Date.now()), start_time: null };
      twilioCalls.push(call);
      await accept({ provider: 'twilio-call', id: call.sid, idempotencyKey: undefined, body: form });
      return json(response, 201, call);
    }
    if (request.method === 'GET' && calls) return json(response, 200, twilioList(twilioCalls, url, 'calls', 'start_time', 'StartTime'));
    const tasks = /^\/v1\/Workspaces\/(WS\w+)\/Tasks$/.exec(url.pathname);
    if (tasks && request.method === 'POST') {
      const attributes = JSON.parse(form.Attributes ?? '{}') as { idempotency_key?: string };
      const task = { sid: `WT${hex(16)}`, workspace_sid: tasks[1], workflow_sid: form.WorkflowSid, attributes: form.Attributes, assignment_status: 'pending', task_channel_unique_name: form.TaskChannel };
      await accept({ provider: 'twilio-task', id: task.sid, idempotencyKey: attributes.idempotency_key, body: form });
      return json(response, 201, task);
    }
    if (tasks && request.method === 'GET') {
      const key = /idempotency_key == "([^"]+)"/.exec(url.searchParams.get('EvaluateTaskAttributes') ?? '')?.[1];
      const found = accepted.filter((a) => a.provider === 'twilio-task' && a.idempotencyKey === key).map((a) => ({ sid: a.id, attributes: a.body.Attributes }));
      const page = `${url.pathname}?PageSize=50&Page=0`;
      return json(response, 200, { tasks: found, meta: { page: 0, page_size: 50, first_page_url: page, previous_page_url: null, url: page, next_page_url: null, key: 'tasks' } });
    }
    json(response, 404, { code: 20404, message: 'The requested resource was not found', status: 404 });
  };

  const server: Server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const { parsed } = await readBody(request);
      // Twilio's SDK is pointed here with its original host in a header; SendGrid and Lob by path.
      const provider = request.headers['x-twilio-host'] ? 'twilio' : url.pathname.startsWith('/v3/') ? 'sendgrid' : 'lob';
      requests.push({ provider, method: request.method ?? '', path: url.pathname + url.search, headers: request.headers, body: parsed });
      if (provider === 'sendgrid') return sendgrid(request, response, url, parsed);
      if (provider === 'lob') return lob(request, response, url, parsed);
      return twilio(request, response, url, parsed);
    })().catch((error: unknown) => json(response, 500, { error: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    accepted,
    sendgridDelivered: (asOf) => sendgridDelivered(asOf),
    stallNext: (kind, ms) => {
      stalls.set(kind, ms);
    },
    nextAccepted: (kind) => new Promise((resolve) => waiters.set(kind, [...(waiters.get(kind) ?? []), resolve])),
    strainSendGrid: (next) => {
      strain = next;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
