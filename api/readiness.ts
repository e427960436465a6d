/** A dependency the API needs to serve requests; resolves when it answers, rejects otherwise. */
export type ReadinessCheck = () => Promise<void>;

export type CheckResult = { status: 'ok'; latencyMs: number } | { status: 'failing'; latencyMs: number; error: string };

export async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<CheckResult> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([check(), timeout]);
    return { status: 'ok', latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    // Only the message: connection strings and stacks stay in the server log, not in the response.
    const message = error instanceof Error ? error.message.split('\n')[0] ?? 'failed' : 'failed';
    return { status: 'failing', latencyMs: Math.round(performance.now() - started), error: message };
  } finally {
    clearTimeout(timer);
  }
}
