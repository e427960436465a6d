import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { AesGcmPayloadCodec, keyIdOf } from '../codec/aes-gcm-codec.js';
import { encryptingDataConverter } from '../codec/data-converter.js';
import type { collectionWorkflow } from '../workflows/collection-workflow.js';
import {
  cancelUpdate,
  caseStateQuery,
  collectionWorkflowId,
  collectionWorkflowType,
  disputeOpenedSignal,
  openDisputeUpdate,
  resolveDisputeUpdate,
} from '../workflows/definitions.js';
import { createApiHarness, invoiceBody } from './support/api.js';
import { isoDay } from './support/clock.js';
import { eventually } from './support/eventually.js';
import { caseInput, createOverdueInvoice, secondScalePolicy } from './support/fixtures.js';
import { keysFrom, newKeyEntry } from './support/payload-encryption.js';
import { decodedPayloadBytes, historyBytes, occurring, payloadsIn, rawHistory } from './support/raw-history.js';
import { createWorkerHarness, onSuiteWorker, type WorkerHarness } from './support/worker.js';

const namespace = inject('temporalNamespace');

describe('customer data in Temporal history', () => {
  let harness: WorkerHarness;
  onSuiteWorker((h) => (harness = h));

  it('is encrypted: no email, phone, address or customer name in the raw history or the dev server’s SQLite file, yet the codec reads every one', async () => {
    const tag = randomUUID().slice(0, 8);
    const api = await createApiHarness(harness);
    const codec = new AesGcmPayloadCodec(keysFrom(inject('payloadEncryptionKeys')));

    // 1. Through the API (staticSummary names the customer): an old invoice on a second-scale policy catches up to legal hand-off, whose packet carries the address.
    const policy = { ...secondScalePolicy(), name: `pii-${tag}`, version: 1 };
    expect((await api.call('POST', '/v1/policies', { key: api.keys.admin, body: { policy } })).status).toBe(201);
    const apiCustomer = {
      externalId: `CUST-${tag}`,
      name: `Kundin ${tag} Handels AG`,
      email: `ap-${tag}@kundin.example`,
      phone: '+4930555' + String(Math.floor(Math.random() * 9000) + 1000),
      postalAddress: { line1: `Geheimweg ${tag}`, city: 'Potsdam', postalCode: '14467', country: 'DE' },
      timezone: 'Europe/Berlin',
      locale: 'de-DE',
    };
    const created = await api.call('POST', '/v1/invoices', { key: api.keys.system, body: invoiceBody({ customer: apiCustomer, dueDate: isoDay(-1), issueDate: isoDay(-31), policy: { name: policy.name, version: 1 } }) });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const apiCase = harness.client.workflow.getHandle(String(created.body.workflowId));
    expect(await apiCase.result()).toMatchObject({ closed: { reason: 'legal_handoff' } });

    // 2. On the worker: the whole ladder. The email bounces, so an activity failure names the address; the letter, the call and the hand-off carry the rest.
    const ladderEmail = `billing-${tag}@bounce.invalid`;
    const ladderPhone = `+4930777${String(Math.floor(Math.random() * 9000) + 1000)}`;
    const ladderStreet = `Verborgene Gasse ${tag}`;
    const made = await createOverdueInvoice(harness.prisma, { customer: { email: ladderEmail, phone: ladderPhone, addressLine1: ladderStreet } });
    const ladder = await harness.client.workflow.start<typeof collectionWorkflow>(collectionWorkflowType, {
      workflowId: collectionWorkflowId(made.invoice.id),
      taskQueue: harness.taskQueue,
      args: [caseInput(made)],
      staticSummary: `Collect invoice ${made.invoice.number} from ${made.customer.name}`,
    });
    expect(await ladder.result()).toMatchObject({ closed: { reason: 'legal_handoff' } });
    expect((await harness.sent('letter')).some((entry) => entry.idempotencyKey.startsWith(made.invoice.id))).toBe(true);

    // 3. Signals and updates that quote the customer (a collector's notes), and a query.
    const held = await createOverdueInvoice(harness.prisma);
    const commanded = await harness.client.workflow.start<typeof collectionWorkflow>(collectionWorkflowType, {
      workflowId: collectionWorkflowId(held.invoice.id),
      taskQueue: harness.taskQueue,
      args: [caseInput(held, secondScalePolicy({ steps: [{ id: 'later', offset: 'P1D', actions: [{ type: 'email' }] }] }))],
    });
    const signalNote = `called back on ${ladderPhone}-signal`;
    const updateNote = `customer wrote from ${apiCustomer.email}-update`;
    await commanded.signal(disputeOpenedSignal, { reason: signalNote, actor: 'collector' });
    await commanded.executeUpdate(resolveDisputeUpdate, { args: [{ resolution: 'resume', actor: 'collector' }] });
    await commanded.executeUpdate(openDisputeUpdate, { args: [{ reason: updateNote, actor: 'collector' }] });
    expect((await commanded.query(caseStateQuery)).disputed?.reason).toBe(updateNote);
    await commanded.executeUpdate(cancelUpdate, { args: [{ actor: 'admin', reason: 'test done' }] });

    const secrets = [
      apiCustomer.name, apiCustomer.email, apiCustomer.phone, apiCustomer.postalAddress.line1,
      made.customer.name, ladderEmail, ladderPhone, ladderStreet, signalNote, updateNote,
    ];
    const histories = await Promise.all([apiCase.workflowId, ladder.workflowId, commanded.workflowId].map((id) => rawHistory(harness.client.connection, namespace, id)));
    const raw = Buffer.concat(histories.map(historyBytes));
    expect(occurring(raw, secrets)).toEqual([]);
    // The same history through the codec holds every one of them: the search above could find them.
    const decoded = Buffer.concat(await Promise.all(histories.map((history) => decodedPayloadBytes(history, codec))));
    expect(occurring(decoded, secrets)).toEqual(secrets);
    // Ids stay readable (search attributes, workflow ids): the raw bytes are the real history.
    expect(occurring(raw, [made.invoice.number, made.invoice.id])).toEqual([made.invoice.number, made.invoice.id]);

    // The client with the codec reads it back as ever.
    const apiInvoice = await harness.prisma.invoice.findUniqueOrThrow({ where: { id: String(created.body.invoiceId) } });
    expect(await (await apiCase.describe()).staticSummary()).toBe(`Collect invoice ${apiInvoice.number} from ${apiCustomer.name}`);
    expect((await commanded.result()).disputed?.reason).toBe(updateNote);

    // And the dev server's own store (SQLite, with its write-ahead log) holds none of it either.
    const dataDir = inject('temporalDataDir');
    if (dataDir) {
      const files = (await readdir(dataDir)).filter((file) => file.startsWith('temporal.sqlite'));
      // A rollback journal lives only while SQLite writes: one listed a moment ago may be gone (and holds nothing) when read.
      const readUnlessGone = (file: string) => readFile(join(dataDir, file)).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' && file.endsWith('-journal') ? Buffer.alloc(0) : Promise.reject(error)));
      const stored = Buffer.concat(await Promise.all(files.map(readUnlessGone)));
      expect(occurring(stored, [made.invoice.number])).toEqual([made.invoice.number]);
      expect(occurring(stored, secrets)).toEqual([]);
    }
  });
});

describe('key rotation', () => {
  const oldEntry = newKeyEntry(`old-${randomUUID().slice(0, 6)}`);
  const newEntry = newKeyEntry(`new-${randomUUID().slice(0, 6)}`);
  const idOf = (entry: string) => entry.split(':')[0]!;
  const harnesses: WorkerHarness[] = [];
  afterAll(async () => {
    await Promise.allSettled(harnesses.map((h) => h.close()));
  });

  it('leaves cases encrypted with the old key readable once a new key is listed first, and encrypts what is new with the new key', async () => {
    const before = await createWorkerHarness({ dataConverter: encryptingDataConverter(keysFrom(oldEntry)) });
    harnesses.push(before);
    const made = await createOverdueInvoice(before.prisma);
    const policy = secondScalePolicy({ steps: [{ id: 'later', offset: 'P1D', actions: [{ type: 'email' }] }] });
    const handle = await before.withWorker(async () => {
      const started = await before.client.workflow.start<typeof collectionWorkflow>(collectionWorkflowType, { workflowId: collectionWorkflowId(made.invoice.id), taskQueue: before.taskQueue, args: [caseInput(made, policy)] });
      await started.executeUpdate(openDisputeUpdate, { args: [{ reason: 'before rotation', actor: 'collector' }] });
      return started;
    });

    // Rotation: the new key first, the old one kept behind it; workers and clients restarted with that list.
    const after = await createWorkerHarness({ dataConverter: encryptingDataConverter(keysFrom(`${newEntry},${oldEntry}`)), taskQueue: before.taskQueue });
    harnesses.push(after);
    await after.withWorker(async () => {
      const oldCase = after.client.workflow.getHandle<typeof collectionWorkflow>(handle.workflowId);
      expect((await oldCase.query(caseStateQuery)).disputed?.reason).toBe('before rotation');
      await oldCase.executeUpdate(resolveDisputeUpdate, { args: [{ resolution: 'resume', actor: 'collector' }] });
      const fresh = await createOverdueInvoice(after.prisma);
      const newCase = await after.client.workflow.start<typeof collectionWorkflow>(collectionWorkflowType, { workflowId: collectionWorkflowId(fresh.invoice.id), taskQueue: after.taskQueue, args: [caseInput(fresh, policy)] });
      expect((await newCase.query(caseStateQuery)).invoiceId).toBe(fresh.invoice.id);

      const keyIds = async (workflowId: string) => {
        const events = (await rawHistory(after.client.connection, namespace, workflowId)).events ?? [];
        const started = payloadsIn(events.find((e) => e.workflowExecutionStartedEventAttributes)).map(keyIdOf);
        const updates = events.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes).map((e) => payloadsIn(e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input).map(keyIdOf));
        return { started, updates };
      };
      const oldIds = await keyIds(handle.workflowId);
      expect(new Set(oldIds.started)).toEqual(new Set([idOf(oldEntry)]));
      expect(oldIds.updates.map((ids) => [...new Set(ids)])).toEqual([[idOf(oldEntry)], [idOf(newEntry)]]);
      expect(new Set((await keyIds(newCase.workflowId)).started)).toEqual(new Set([idOf(newEntry)]));

      await Promise.all([oldCase, newCase].map((c) => c.executeUpdate(cancelUpdate, { args: [{ actor: 'admin', reason: 'test done' }] })));
    });
  });

  it('fails the workflow task loudly, naming the key id, when a payload was encrypted with a key the worker does not have', async () => {
    const rogueId = `rogue-${randomUUID().slice(0, 6)}`;
    const worker = await createWorkerHarness();
    harnesses.push(worker);
    const rogueConverter = encryptingDataConverter(keysFrom(newKeyEntry(rogueId)));
    const rogue = await createWorkerHarness({ dataConverter: rogueConverter, taskQueue: worker.taskQueue });
    harnesses.push(rogue);
    const made = await createOverdueInvoice(worker.prisma);
    const handle = await rogue.client.workflow.start<typeof collectionWorkflow>(collectionWorkflowType, { workflowId: collectionWorkflowId(made.invoice.id), taskQueue: worker.taskQueue, args: [caseInput(made)] });
    await worker.withWorker(async () => {
      const events = await eventually(
        async () => (await rawHistory(worker.client.connection, namespace, handle.workflowId)).events ?? [],
        (list) => list.some((e) => e.workflowTaskFailedEventAttributes),
      );
      const failed = events.find((e) => e.workflowTaskFailedEventAttributes)!.workflowTaskFailedEventAttributes!;
      // The failure's message is itself encrypted (with the worker's key): decode it as an operator would.
      const [attributes] = await new AesGcmPayloadCodec(keysFrom(inject('payloadEncryptionKeys'))).decode([failed.failure!.encodedAttributes!]);
      expect(JSON.parse(Buffer.from(attributes!.data!).toString()).message).toContain(`key id "${rogueId}"`);
      expect(events.some((e) => e.activityTaskScheduledEventAttributes)).toBe(false); // nothing ran on unreadable input
    });
    await handle.terminate('test done');
  });
});
