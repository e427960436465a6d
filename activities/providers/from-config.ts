import { resolve } from 'node:path';
import type { Config } from '../../config/schema.js';
import { type LegalPartner, LocalSinkLegalPartner, WebhookLegalPartner } from './legal-partner.js';
import { localSinks } from './local-sink.js';
import type { Senders } from './types.js';

export interface Providers {
  readonly senders: Senders;
  readonly legalPartner: LegalPartner;
  /** One line per channel saying where messages go, for the start-up log. */
  readonly description: string[];
}

/** Every channel uses its local sink until its provider's credentials are configured. */
export function providersFromConfig(config: Config): Providers {
  const sinkDir = resolve(config.SINK_DIR);
  const senders = localSinks(sinkDir);
  const legalPartner = config.LEGAL_PARTNER_WEBHOOK_URL ? new WebhookLegalPartner(config.LEGAL_PARTNER_WEBHOOK_URL) : new LocalSinkLegalPartner(sinkDir);
  return {
    senders,
    legalPartner,
    description: [
      ...Object.entries(senders).map(([channel, sender]) => `${channel}: ${sender.provider}${sender.provider === 'local-sink' ? ` (${sinkDir}/${channel}.jsonl)` : ''}`),
      `legal: ${legalPartner.name}`,
    ],
  };
}
