// The raw-Temporal reference of bench/correspondence.ts: a bare signal round trip between two trivial
// workflows, with nothing of ours in between. Bundled by the bench's own worker, not by the product's.
import { condition, defineSignal, getExternalWorkflowHandle, setHandler } from '@temporalio/workflow';

export const askSignal = defineSignal<[{ readonly from: string }]>('ask');
export const answerSignal = defineSignal<[]>('answer');

/** Answers every asker with a signal back, like the correspondence answers each case; runs until cancelled. */
export async function answererWorkflow(): Promise<void> {
  const waiting: string[] = [];
  setHandler(askSignal, ({ from }) => void waiting.push(from));
  for (;;) {
    await condition(() => waiting.length > 0);
    for (const from of waiting.splice(0)) await getExternalWorkflowHandle(from).signal(answerSignal);
  }
}

/** Asks the answerer once and waits for its answer. */
export async function askerWorkflow(answererId: string, selfId: string): Promise<void> {
  let answered = false;
  setHandler(answerSignal, () => void (answered = true));
  await getExternalWorkflowHandle(answererId).signal(askSignal, { from: selfId });
  await condition(() => answered);
}
