import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LegalPaymentNotice, LocalSinkLegalPartner, WebhookLegalPartner } from '../activities/providers/legal-partner.js';

/** The payment notice a legal partner gets for a payment on a case it holds, on each way of reaching it. */
const notice: LegalPaymentNotice = {
  type: 'payment_received',
  invoiceId: 'b3c1a3b4-0000-4000-8000-000000000001',
  invoiceNumber: 'N-1',
  handoffReference: 'legal-ref-9',
  payment: { paymentId: 'pi_1', amountMinor: 5_000, method: 'bank_transfer', receivedAt: new Date().toISOString() },
  currency: 'EUR',
  appliedMinor: 5_000,
  overpaidMinor: 0,
  balanceMinor: 99_000,
};

let server: Server;
let url: string;
let status = 200;
const received: { headers: IncomingMessage['headers']; body: unknown }[] = [];
beforeAll(async () => {
  server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => {
      received.push({ headers: request.headers, body: JSON.parse(text) });
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ reference: 'partner-77' }));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/cases`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('legal partner payment notices', () => {
  it('webhook: POSTs the notice as JSON with the Idempotency-Key and returns the partner’s reference; a refusal throws', async () => {
    const partner = new WebhookLegalPartner(url);
    expect(await partner.notifyPayment(notice, 'inv:legal:payment-received:pi_1')).toEqual({ reference: 'partner-77' });
    expect(received.at(-1)).toMatchObject({ headers: { 'idempotency-key': 'inv:legal:payment-received:pi_1', 'content-type': 'application/json' }, body: notice });
    status = 503;
    await expect(partner.notifyPayment(notice, 'inv:legal:payment-received:pi_2')).rejects.toThrow('legal partner answered 503');
    status = 200;
  });

  it('local sink: writes the notice once per key, as a partner that deduplicates would', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'legal-sink-'));
    try {
      const partner = new LocalSinkLegalPartner(dir);
      const first = await partner.notifyPayment(notice, 'k-1');
      expect(await partner.notifyPayment(notice, 'k-1')).toEqual(first);
      const lines = (await readFile(join(dir, 'legal.jsonl'), 'utf8')).split('\n').filter(Boolean).map((line) => JSON.parse(line) as unknown);
      expect(lines).toMatchObject([{ idempotencyKey: 'k-1', reference: first.reference, notice }]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
