import type { PrismaClient } from '../prisma/client.js';
import type { CollectionActivities } from '../workflows/activity-interfaces.js';
import { makeRecordCollectionEvent } from './record-collection-event.js';

export interface ActivityDependencies {
  readonly prisma: PrismaClient;
}

export function createActivities({ prisma }: ActivityDependencies): CollectionActivities {
  return {
    recordCollectionEvent: makeRecordCollectionEvent(prisma),
  };
}
