import { Connection } from '@temporalio/client';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes.js';
import type { Config } from '../../config/schema.js';
import { temporalConnectionSettings } from '../../config/temporal-connection.js';
import { allSearchAttributeKeys } from '../../workflows/search-attributes.js';
import type { DoctorContext } from './context.js';
import { error, ok, type Finding } from './finding.js';

const registerRemedy = 'npm run temporal:start registers them (with TEMPORAL_ADDRESS set: npx tsx scripts/register-search-attributes.ts); npm run dev does too';

/** The Temporal server answers for the namespace, which has every custom search attribute. */
export async function checkTemporal(context: DoctorContext, config: Config): Promise<Finding[]> {
  const external = Boolean(context.env.TEMPORAL_ADDRESS);
  const address = external ? config.TEMPORAL_ADDRESS : `127.0.0.1:${context.env.TEMPORAL_PORT || 7233}`;
  const namespace = config.TEMPORAL_NAMESPACE;
  let connection: Connection;
  try {
    connection = await Connection.connect({ ...temporalConnectionSettings(config), address, connectTimeout: 2_000 });
    await connection.workflowService.describeNamespace({ namespace });
  } catch (caught) {
    if (context.beforeStart && !external) return [ok('Temporal', `nothing answers on ${address}: the Temporal dev server will start`)];
    const remedy = external ? `start the Temporal server at ${address}, create namespace ${namespace}, or correct TEMPORAL_ADDRESS` : 'npm run dev (or npm run temporal:start) starts the Temporal dev server';
    return [error('Temporal', `no server answers for namespace ${namespace} at ${address}: ${(caught as Error).message.split('\n')[0]}`, remedy)];
  }
  try {
    const existing = (await connection.operatorService.listSearchAttributes({ namespace })).customAttributes ?? {};
    const findings: Finding[] = [ok('Temporal', `${address} answers for namespace ${namespace}`)];
    for (const key of allSearchAttributeKeys) {
      const current = existing[key.name];
      if (current === undefined) {
        if (context.beforeStart) findings.push(ok('search attributes', `${key.name} is missing: it will be registered`));
        else findings.push(error('search attributes', `${key.name} (${key.type}) is missing in namespace ${namespace}`, registerRemedy));
      } else if (current !== encodeSearchAttributeIndexedValueType(key.type)) {
        findings.push(error('search attributes', `${key.name} exists with another type than ${key.type}`, `use another namespace (TEMPORAL_NAMESPACE), or remove ${key.name} from ${namespace}`));
      }
    }
    if (findings.length === 1) findings.push(ok('search attributes', `all ${allSearchAttributeKeys.length} registered`));
    return findings;
  } finally {
    await connection.close();
  }
}
