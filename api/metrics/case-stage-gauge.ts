import type { Client } from '@temporalio/client';
import { Gauge, type Registry } from 'prom-client';
import type { Logger } from 'pino';
import type { CaseStage } from '../../domain/case/state.js';
import { collectionWorkflowType } from '../../workflows/definitions.js';
import { searchAttributes } from '../../workflows/search-attributes.js';

const everyStage: Record<CaseStage, true> = { upcoming: true, overdue: true, disputed: true, paused: true, payment_plan: true, promise_to_pay: true, paid: true, cancelled: true, written_off: true, legal: true };
export const caseStages = Object.keys(everyStage) as CaseStage[];

/**
 * `collections_open_cases{stage}`: running collection cases of this deployment's task queue by stage, counted in Temporal's
 * visibility store (the CollectionStage search attribute) when Prometheus scrapes, so it is as
 * fresh as visibility and costs nothing between scrapes. One count per stage: SQL visibility
 * groups by ExecutionStatus only. `collections_open_cases_count_up` is 0 when the count failed
 * (the stage series are then absent rather than stale).
 */
export function caseStageGauge(registry: Registry, temporal: Client, taskQueue: string, logger: Logger): void {
  const up = new Gauge({ name: 'collections_open_cases_count_up', help: '1 when the last scrape counted open cases in Temporal visibility, 0 when that failed.', registers: [registry] });
  new Gauge({
    name: 'collections_open_cases',
    help: 'Running collection cases by stage (Temporal visibility, counted at scrape).',
    labelNames: ['stage'],
    registers: [registry],
    async collect() {
      try {
        const counts = await Promise.all(
          caseStages.map((stage) => temporal.workflow.count(`WorkflowType = '${collectionWorkflowType}' AND TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running' AND ${searchAttributes.stage.name} = '${stage}'`)),
        );
        this.reset();
        caseStages.forEach((stage, index) => this.set({ stage }, counts[index]?.count ?? 0));
        up.set(1);
      } catch (error) {
        this.reset();
        up.set(0);
        logger.warn({ err: error }, 'counting open cases by stage for /metrics failed');
      }
    },
  });
}
