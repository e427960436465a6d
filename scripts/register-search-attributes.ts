// Registers the custom search attributes in TEMPORAL_NAMESPACE at TEMPORAL_ADDRESS; idempotent.
import { Connection } from '@temporalio/client';
import { loadConfig } from '../config/load.js';
import { temporalConnectionSettings } from '../config/temporal-connection.js';
import { registerSearchAttributes } from './temporal/search-attributes-registration.js';

const config = loadConfig();
const connection = await Connection.connect(temporalConnectionSettings(config));
try {
  const { added, alreadyPresent } = await registerSearchAttributes(connection, config.TEMPORAL_NAMESPACE);
  console.log(
    `search attributes in namespace ${config.TEMPORAL_NAMESPACE}: ` +
      (added.length ? `added ${added.join(', ')}` : 'none added') +
      (alreadyPresent.length ? `; already present: ${alreadyPresent.length}` : ''),
  );
} finally {
  await connection.close();
}
