import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProcessApp } from '../../../functions/process/app.ts';
import { awsStores } from '../../../functions/process/wiring.ts';
import { type Emulators, startEmulators } from '../../../local/emulators/start.ts';
import { createDynamoAggregateStore } from '../../../shared/adapters/aggregate-store.ts';
import { type Clients, createClients } from '../../../shared/adapters/clients.ts';
import { createS3ObjectStore } from '../../../shared/adapters/object-store.ts';
import { packRecords } from '../../../shared/record/envelope.ts';
import type { LogRecord } from '../../../shared/record/record.ts';
import {
  createResources,
  kinesisEvent,
  LAMBDA_CONTEXT,
  processConfig,
  s3Lines,
  totals,
} from '../../helpers/process.ts';
import { makeRecord, T0 } from '../../helpers/records.ts';

/**
 * [residency] No record can stall a shard: a 450 KB service name and a 450 KB groupBy value (either would make
 * a bucket item exceed DynamoDB's 400 KB) followed by innocent records, through the real processor against the
 * DynamoDB, S3 and SQS emulators. One delivery: nothing retried, nothing parked, everything stored and counted.
 */
let emulators: Emulators;
let clients: Clients;

beforeAll(async () => {
  emulators = await startEmulators();
  clients = createClients({ awsRegion: 'eu-west-1', endpoints: emulators.endpoints, maxAttempts: 1 });
});
afterAll(async () => {
  await emulators?.stop();
});

const record = (i: number, o: Partial<LogRecord> = {}) =>
  makeRecord({
    tenant: 'acme',
    region: 'eu',
    timestamp: T0 + i,
    message: `request ${i} done`,
    attributes: { route: '/api/orders' },
    ingest: { receivedAt: T0, protocol: 'test', id: `id-${i}` },
    ...o,
  });

describe('oversized client values', () => {
  it('a 450 KB service and a 450 KB groupBy value neither fail nor delay their innocent neighbours', async () => {
    const names = { bucket: 'oversized', table: 'oversized-state', queue: 'oversized-alerts' };
    const queueUrl = await createResources(clients, names);
    const config = processConfig({
      defaults: { pipeline: { aggregate: { windowSeconds: 60, groupBy: ['attributes.route'] } } },
    });
    const app = createProcessApp({
      config,
      region: 'eu',
      ...awsStores(
        clients,
        { bucket: names.bucket, regionalTable: names.table, failureQueueUrl: queueUrl },
        'eu',
      ),
    });
    const huge = 'x'.repeat(450 * 1024);
    const records = [
      record(0, { service: huge }),
      record(1, { attributes: { route: huge } }),
      ...Array.from({ length: 20 }, (_, i) => record(2 + i)),
    ];
    // One stream record per log record, as a shipper sending them one by one would produce.
    const event = kinesisEvent(records.flatMap((r) => packRecords([r], 1 << 20).map((data) => ({ data }))));
    const report = await app.run(event, LAMBDA_CONTEXT);
    expect(report.response.batchItemFailures).toEqual([]);
    expect(report.poison).toBe(0);

    const lines = await s3Lines(createS3ObjectStore(clients.s3, names.bucket));
    expect(lines).toHaveLength(22);
    const t = await totals(createDynamoAggregateStore(clients.dynamodb, names.table), ['acme']);
    expect(t.count).toBe(22);
    expect(Object.keys(t.byKey).some((k) => k.includes('<long:'))).toBe(true);
    expect(JSON.stringify(t).length).toBeLessThan(10_000);
  });
});
