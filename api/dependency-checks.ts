import type { ConnectionLike } from '@temporalio/client';
import type { PrismaClient } from '../prisma/client.js';
import type { ReadinessCheck } from './readiness.js';

export function postgresCheck(prisma: PrismaClient): ReadinessCheck {
  return async () => {
    await prisma.$queryRaw`SELECT 1`;
  };
}

/** Asks the frontend to describe the namespace: proves both the server and the namespace are there. */
export function temporalCheck(connection: ConnectionLike, namespace: string): ReadinessCheck {
  return async () => {
    await connection.workflowService.describeNamespace({ namespace });
  };
}
