import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { MessageChannel } from '../../workflows/activity-interfaces.js';
import { appendOnce } from './jsonl-file.js';
import { type MessageSender, type OutgoingMessage, UndeliverableError } from './types.js';

/**
 * Records what would have been sent, one JSON line per message in `<dir>/<channel>.jsonl`, when
 * no provider credentials are configured. Like the real providers it deduplicates on the
 * idempotency key, and it treats the reserved `.invalid` top-level domain (RFC 2606) and phone
 * numbers starting +999 as undeliverable, so fallbacks can be tried on a laptop.
 */
export class LocalSinkSender implements MessageSender {
  readonly provider = 'local-sink';

  constructor(
    private readonly dir: string,
    private readonly channel: MessageChannel,
  ) {}

  async send(message: OutgoingMessage): Promise<{ messageId: string }> {
    this.assertDeliverable(message);
    const entry = await appendOnce(join(this.dir, `${this.channel}.jsonl`), message.idempotencyKey, () => ({ messageId: `sink-${randomUUID()}`, sentAt: new Date().toISOString(), ...message }));
    return { messageId: entry.messageId };
  }

  private assertDeliverable(message: OutgoingMessage): void {
    const { customer } = message;
    if (this.channel === 'email' && customer.email?.endsWith('.invalid')) throw new UndeliverableError(`${customer.email} bounced (the .invalid domain never resolves)`);
    if ((this.channel === 'sms' || this.channel === 'call_task') && customer.phone?.startsWith('+999')) throw new UndeliverableError(`${customer.phone} is not a valid number`);
    if (this.channel === 'letter' && customer.postalAddress?.line1.toLowerCase().includes('undeliverable')) throw new UndeliverableError('the address is undeliverable');
  }
}

export function localSinks(dir: string): Record<MessageChannel, MessageSender> {
  return {
    email: new LocalSinkSender(dir, 'email'),
    sms: new LocalSinkSender(dir, 'sms'),
    letter: new LocalSinkSender(dir, 'letter'),
    call_task: new LocalSinkSender(dir, 'call_task'),
  };
}
