import { CreateStreamCommand, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulators, startEmulators } from '../../../local/emulators/start.ts';
import { type Clients, createClients } from '../../../shared/adapters/clients.ts';
import { createFailureStore } from '../../../shared/adapters/failure-store.ts';
import { createS3ObjectStore } from '../../../shared/adapters/object-store.ts';
import { lambdaContext, setHandlerEnv } from '../../helpers/handler.ts';
import { createResources, seqNo } from '../../helpers/process.ts';

/** Smoke test of the deployed entry point: the real handler module (bootstrap, middy, Powertools) on emulators. */

let emulators: Emulators;
let clients: Clients;
const NAMES = { bucket: 'smoke-redrive', table: 'smoke-redrive-aggregates', queue: 'smoke-redrive-alerts' };
const STREAM = 'smoke-redrive-records';

beforeAll(async () => {
  emulators = await startEmulators();
  clients = createClients({ awsRegion: 'eu-west-1', endpoints: emulators.endpoints, maxAttempts: 1 });
  const queueUrl = await createResources(clients, NAMES);
  await clients.kinesis.send(new CreateStreamCommand({ StreamName: STREAM, ShardCount: 1 }));
  setHandlerEnv(
    {
      version: 1,
      regions: { eu: { awsRegion: 'eu-west-1' } },
      tenants: [{ id: 'acme', homeRegion: 'eu', keys: [{ id: 'k1', sha256: 'a'.repeat(64) }] }],
    },
    emulators.endpoints,
    { SLUICE_REGION: 'eu', BUCKET_NAME: NAMES.bucket, STREAM_NAME: STREAM, FAILURE_QUEUE_URL: queueUrl },
  );
}, 60_000);

afterAll(async () => {
  await emulators?.stop();
});

describe('functions/redrive/handler.ts', () => {
  it('re-injects a parked record into the stream, byte for byte, and removes it from the failure store', async () => {
    const failures = createFailureStore(createS3ObjectStore(clients.s3, NAMES.bucket));
    const payload = Buffer.from('{"message":"parked while the table was missing"}');
    await failures.park([
      {
        version: 1,
        region: 'eu',
        shardId: 'shardId-000000000000',
        sequenceNumber: seqNo(7),
        partitionKey: 'acme',
        reason: 'write-refused',
        detail: 'dynamodb: UpdateItem failed: ResourceNotFoundException',
        arrivalMs: Date.now(),
        payload: payload.toString('base64'),
      },
    ]);
    const { handler } = await import('../../../functions/redrive/handler.ts');
    const result = await handler({ action: 'redrive' }, lambdaContext('redrive'));
    expect(result).toMatchObject({ redriven: 1, remaining: 0 });
    expect(await failures.list()).toEqual([]);
    const it = await clients.kinesis.send(
      new GetShardIteratorCommand({
        StreamName: STREAM,
        ShardId: 'shardId-000000000000',
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    const res = await clients.kinesis.send(new GetRecordsCommand({ ShardIterator: it.ShardIterator! }));
    expect((res.Records ?? []).map((r) => Buffer.from(r.Data!))).toEqual([payload]);
    expect(res.Records?.[0]?.PartitionKey).toBe('acme');
  });
});
