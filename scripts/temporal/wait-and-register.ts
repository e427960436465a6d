// Waits for the Temporal frontend at TEMPORAL_ADDRESS, then registers the search attributes.
import { loadConfig } from '../../config/load.js';
import { registerSearchAttributes } from './search-attributes-registration.js';
import { waitForTemporal } from './wait-for-temporal.js';

const config = loadConfig();
const connection = await waitForTemporal(config.TEMPORAL_ADDRESS, config.TEMPORAL_NAMESPACE, 60_000);
try {
  const { added } = await registerSearchAttributes(connection, config.TEMPORAL_NAMESPACE);
  console.error(`Temporal answers on ${config.TEMPORAL_ADDRESS}; search attributes ${added.length ? `added: ${added.join(', ')}` : 'already registered'}`);
} finally {
  await connection.close();
}
