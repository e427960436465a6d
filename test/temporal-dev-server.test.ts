import { existsSync } from 'node:fs';
import { Connection } from '@temporalio/client';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { registerSearchAttributes } from '../scripts/temporal/search-attributes-registration.js';
import { allSearchAttributeKeys } from '../workflows/search-attributes.js';
import { startTemporalDevServer } from './support/temporal-dev-server.js';

const namespace = inject('temporalNamespace');
const connection = await Connection.connect({ address: inject('temporalAddress') });
afterAll(() => connection.close());

describe('the Temporal dev server of the test run', () => {
  it('has every custom search attribute registered with its type', async () => {
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
    const registered = Object.fromEntries(Object.entries(customAttributes ?? {}).map(([name, type]) => [name, type]));
    for (const key of allSearchAttributeKeys) {
      expect(registered, key.name).toHaveProperty(key.name, expect.any(Number));
    }
    // Spot-check the mapping to the server's enum: 2 = KEYWORD, 3 = INT, 5 = BOOL, 6 = DATETIME.
    expect(registered).toMatchObject({ CollectionStage: 2, AmountDueMinor: 3, Disputed: 5, NextActionAt: 6 });
  });

  it('registers again without error and without adding anything', async () => {
    const result = await registerSearchAttributes(connection, namespace);
    expect(result.added).toEqual([]);
    expect(result.alreadyPresent).toHaveLength(allSearchAttributeKeys.length);
  });

  it('refuses an existing attribute of another type instead of silently using it', async () => {
    const clash = defineSearchAttributeKey('CollectionStage', SearchAttributeType.INT);
    await expect(registerSearchAttributes(connection, namespace, [clash])).rejects.toThrow(/CollectionStage exists .* with another type/);
  });
});

describe('startTemporalDevServer', () => {
  it.skipIf(Boolean(process.env.TEMPORAL_ADDRESS))('starts a server of its own, and stop() frees its port and removes its files', async () => {
    const server = await startTemporalDevServer();
    expect(server.dataDir && existsSync(server.dataDir)).toBe(true);
    const own = await Connection.connect({ address: server.address });
    const { customAttributes } = await own.operatorService.listSearchAttributes({ namespace: server.namespace });
    expect(Object.keys(customAttributes ?? {})).toEqual(expect.arrayContaining(allSearchAttributeKeys.map((key) => key.name)));
    await own.close();

    await server.stop();
    expect(existsSync(server.dataDir!)).toBe(false);
    const port = Number(server.address.split(':')[1]);
    // The port can be bound again: nothing listens there any more.
    await expect(bindable(port)).resolves.toBe(true);
  });
});

async function bindable(port: number): Promise<boolean> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}
