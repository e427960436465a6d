import type { PrismaClient } from '../prisma/client.js';
import type { CollectionActivities } from '../workflows/activity-interfaces.js';
import { makeDeliverMessage } from './deliver-message.js';
import { type ActivityMetrics, createActivityMetrics } from './metrics.js';
import { makeHandOffToLegal } from './hand-off-to-legal.js';
import { makePostFeeWaiver, makePostLateFee } from './post-late-fee.js';
import type { LegalPartner } from './providers/legal-partner.js';
import type { Senders } from './providers/types.js';
import { makeRecordCaseEvents } from './record-case-events.js';
import { requestDelivery } from './request-delivery.js';

export interface ActivityDependencies {
  readonly prisma: PrismaClient;
  readonly senders: Senders;
  readonly legalPartner: LegalPartner;
  /** Business metrics (activities/metrics.ts); counted into a registry nobody serves when not given. */
  readonly metrics?: ActivityMetrics;
}

export function createActivities({ prisma, senders, legalPartner, metrics = createActivityMetrics() }: ActivityDependencies): CollectionActivities {
  return {
    recordCaseEvents: makeRecordCaseEvents(prisma, metrics),
    requestDelivery,
    deliverMessage: makeDeliverMessage(prisma, senders, metrics),
    postLateFee: makePostLateFee(prisma, metrics),
    postFeeWaiver: makePostFeeWaiver(prisma),
    handOffToLegal: makeHandOffToLegal(prisma, legalPartner),
  };
}
