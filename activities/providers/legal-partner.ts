import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';

/** Where a case goes when collection by the book has run out: a law firm or agency. */
export interface LegalPartner {
  readonly name: string;
  send(packet: unknown, idempotencyKey: string): Promise<{ reference: string }>;
}

/** A partner reached by webhook: the packet as JSON, with the key in `Idempotency-Key`. */
export class WebhookLegalPartner implements LegalPartner {
  readonly name = 'legal-webhook';
  constructor(private readonly url: string) {}

  async send(packet: unknown, idempotencyKey: string): Promise<{ reference: string }> {
    const response = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
      body: JSON.stringify(packet, (_, value: unknown) => (typeof value === 'bigint' ? value.toString() : value)),
    });
    if (!response.ok) throw new Error(`legal partner answered ${response.status}`);
    const body = (await response.json().catch(() => ({}))) as { reference?: string };
    return { reference: body.reference ?? idempotencyKey };
  }
}

/** No partner configured: the packet is written to `<dir>/legal.jsonl`, once per key. */
export class LocalSinkLegalPartner implements LegalPartner {
  readonly name = 'local-sink';
  constructor(private readonly dir: string) {}

  async send(packet: unknown, idempotencyKey: string): Promise<{ reference: string }> {
    const file = join(this.dir, 'legal.jsonl');
    await mkdir(this.dir, { recursive: true });
    const earlier = (await readFile(file, 'utf8').catch(() => ''))
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { idempotencyKey: string; reference: string })
      .find((entry) => entry.idempotencyKey === idempotencyKey);
    if (earlier) return { reference: earlier.reference };
    const reference = `legal-${randomUUID()}`;
    const line = JSON.stringify({ idempotencyKey, reference, sentAt: new Date().toISOString(), packet }, (_, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
    await appendFile(file, `${line}\n`);
    return { reference };
  }
}
