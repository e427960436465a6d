// Throttles failed sign-ins per email, in the database (table console_sign_in_failures) so every
// API process counts the same failures and a restart forgets nothing. Unknown emails are counted
// too: a lock tells nothing about whether the user exists.
import type { PrismaClient } from '../../../prisma/client.js';
import type { ConsoleSettings } from './settings.js';

/** When the email is locked, until when. */
export async function lockedUntil(prisma: PrismaClient, email: string): Promise<Date | undefined> {
  const row = await prisma.consoleSignInFailure.findUnique({ where: { email } });
  return row?.lockedUntil && row.lockedUntil.getTime() > Date.now() ? row.lockedUntil : undefined;
}

/** Counts a failure; the `maxFailedSignIns`th within the window locks the email for a window. */
export async function recordFailure(prisma: PrismaClient, settings: ConsoleSettings, email: string): Promise<void> {
  const now = new Date();
  const windowMs = settings.throttleWindowMinutes * 60_000;
  await prisma.$transaction(async (tx) => {
    await tx.$executeRaw`INSERT INTO console_sign_in_failures (email, failures, first_failed_at) VALUES (${email}, 0, ${now}) ON CONFLICT (email) DO NOTHING`;
    const [row] = await tx.$queryRaw<{ failures: number; first_failed_at: Date }[]>`SELECT failures, first_failed_at FROM console_sign_in_failures WHERE email = ${email} FOR UPDATE`;
    const fresh = !row || row.first_failed_at.getTime() + windowMs <= now.getTime();
    const failures = fresh ? 1 : row.failures + 1;
    await tx.consoleSignInFailure.update({
      where: { email },
      data: { failures, ...(fresh ? { firstFailedAt: now } : {}), lockedUntil: failures >= settings.maxFailedSignIns ? new Date(now.getTime() + windowMs) : null },
    });
  });
}

export async function clearFailures(prisma: PrismaClient, email: string): Promise<void> {
  await prisma.consoleSignInFailure.deleteMany({ where: { email } });
}
