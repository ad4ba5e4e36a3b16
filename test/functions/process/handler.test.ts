import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulators, startEmulators } from '../../../local/emulators/start.ts';
import { type Clients, createClients } from '../../../shared/adapters/clients.ts';
import { createS3ObjectStore } from '../../../shared/adapters/object-store.ts';
import { lambdaContext, setHandlerEnv } from '../../helpers/handler.ts';
import { createResources, envelopeEntries, kinesisEvent, s3Lines } from '../../helpers/process.ts';

/** Smoke test of the deployed entry point: the real handler module (bootstrap, middy, Powertools) on emulators. */

let emulators: Emulators;
let clients: Clients;
const NAMES = { bucket: 'smoke-process', table: 'smoke-aggregates', queue: 'smoke-alerts' };

beforeAll(async () => {
  emulators = await startEmulators();
  clients = createClients({ awsRegion: 'eu-west-1', endpoints: emulators.endpoints, maxAttempts: 1 });
  const queueUrl = await createResources(clients, NAMES);
  setHandlerEnv(
    {
      version: 1,
      regions: { eu: { awsRegion: 'eu-west-1' } },
      defaults: { pipeline: { filter: { minLevel: 'info' } } },
      tenants: [
        { id: 'acme', homeRegion: 'eu', keys: [{ id: 'k1', sha256: 'a'.repeat(64) }] },
        { id: 'globex', homeRegion: 'eu', keys: [{ id: 'k1', sha256: 'b'.repeat(64) }] },
      ],
    },
    emulators.endpoints,
    {
      SLUICE_REGION: 'eu',
      BUCKET_NAME: NAMES.bucket,
      TABLE_NAME: NAMES.table,
      FAILURE_QUEUE_URL: queueUrl,
      STREAM_NAME: 'unused',
    },
  );
}, 60_000);

afterAll(async () => {
  await emulators?.stop();
});

describe('functions/process/handler.ts', () => {
  it('takes a Kinesis batch to masked S3 objects, and a replay changes nothing', async () => {
    const { handler } = await import('../../../functions/process/handler.ts');
    const event = kinesisEvent(envelopeEntries(6));
    expect(await handler(event, lambdaContext('process'))).toEqual({ batchItemFailures: [] });
    const objects = createS3ObjectStore(clients.s3, NAMES.bucket);
    const lines = await s3Lines(objects);
    // 30 records, a quarter below minLevel info.
    expect(lines.length).toBeGreaterThan(20);
    expect(lines.join('\n')).not.toMatch(/@example\.com/);
    // A redelivered batch overwrites its own objects (aggregate exactness: test/functions/process/redelivery.test.ts).
    expect(await handler(event, lambdaContext('process'))).toEqual({ batchItemFailures: [] });
    expect(await s3Lines(objects)).toEqual(lines);
  });
});
