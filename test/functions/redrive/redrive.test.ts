import {
  CreateStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProcessApp } from '../../../functions/process/app.ts';
import { awsStores } from '../../../functions/process/wiring.ts';
import { createRedriveApp } from '../../../functions/redrive/app.ts';
import { awsRedriveStores } from '../../../functions/redrive/wiring.ts';
import { type Emulators, startEmulators } from '../../../local/emulators/start.ts';
import { type Clients, createClients } from '../../../shared/adapters/clients.ts';
import { createS3ObjectStore } from '../../../shared/adapters/object-store.ts';
import type { EsmFailureMessage } from '../../../shared/failure/esm-failure.ts';
import {
  createResources,
  envelopeEntries,
  kinesisEvent,
  LAMBDA_CONTEXT,
  processConfig,
  s3Lines,
} from '../../helpers/process.ts';

let emulators: Emulators;
let clients: Clients;
const STREAM = 'redrive-records';
let shardId: string;
let queueUrl: string;
let sequences: string[];
const entries = envelopeEntries(5, 4);

beforeAll(async () => {
  emulators = await startEmulators();
  clients = createClients({ awsRegion: 'eu-west-1', endpoints: emulators.endpoints, maxAttempts: 1 });
  queueUrl = await createResources(clients, {
    bucket: 'redrive',
    table: 'redrive-aggregates',
    queue: 'alerts',
  });
  await clients.kinesis.send(new CreateStreamCommand({ StreamName: STREAM, ShardCount: 1 }));
  shardId = (await clients.kinesis.send(new ListShardsCommand({ StreamName: STREAM }))).Shards![0]!.ShardId!;
  const put = await clients.kinesis.send(
    new PutRecordsCommand({
      StreamName: STREAM,
      Records: entries.map((e) => ({ Data: e.data, PartitionKey: 'p' })),
    }),
  );
  sequences = put.Records!.map((r) => r.SequenceNumber!);
});

afterAll(async () => {
  await emulators?.stop();
});

function esmMessage(start: string, end: string, batchSize: number): EsmFailureMessage {
  return {
    requestContext: {
      requestId: 'r-1',
      functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:process',
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: 6,
    },
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    version: '1.0',
    timestamp: new Date().toISOString(),
    KinesisBatchInfo: {
      shardId,
      startSequenceNumber: start,
      endSequenceNumber: end,
      approximateArrivalOfFirstRecord: new Date().toISOString(),
      approximateArrivalOfLastRecord: new Date().toISOString(),
      batchSize,
      streamArn: `arn:aws:kinesis:eu-west-1:123456789012:stream/${STREAM}`,
    },
  };
}

async function readAfter(sequence: string): Promise<Uint8Array[]> {
  const it = await clients.kinesis.send(
    new GetShardIteratorCommand({
      StreamName: STREAM,
      ShardId: shardId,
      ShardIteratorType: 'AFTER_SEQUENCE_NUMBER',
      StartingSequenceNumber: sequence,
    }),
  );
  const res = await clients.kinesis.send(new GetRecordsCommand({ ShardIterator: it.ShardIterator! }));
  return (res.Records ?? []).map((r) => r.Data!);
}

describe('redrive against the emulators', () => {
  it('parks an on-failure batch re-read from the stream, then re-injects it once and the processor lands it', async () => {
    const app = createRedriveApp({
      region: 'eu',
      ...awsRedriveStores(clients, { stream: STREAM, bucket: 'redrive', failureQueueUrl: queueUrl }),
    });
    const event: SQSEvent = {
      Records: [
        {
          messageId: 'm-1',
          receiptHandle: 'h',
          body: JSON.stringify(esmMessage(sequences[1]!, sequences[3]!, 3)),
          attributes: {} as SQSEvent['Records'][number]['attributes'],
          messageAttributes: {},
          md5OfBody: '',
          eventSource: 'aws:sqs',
          eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:esm-failures',
          awsRegion: 'eu-west-1',
        },
      ],
    };
    expect(await app(event)).toEqual({ batchItemFailures: [] });
    const failures = awsRedriveStores(clients, {
      stream: STREAM,
      bucket: 'redrive',
      failureQueueUrl: queueUrl,
    }).failures;
    const parked = await failures.list();
    expect(parked).toHaveLength(3);
    const first = (await failures.get(parked[0]!))!;
    expect(first).toMatchObject({ reason: 'retries-exhausted', shardId, sequenceNumber: sequences[1] });
    expect(Buffer.from(first.payload, 'base64')).toEqual(Buffer.from(entries[1]!.data));
    const alerts = await clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }),
    );
    expect(alerts.Messages).toHaveLength(3);

    const result = await app({ action: 'redrive' });
    expect(result).toMatchObject({ redriven: 3, remaining: 0 });
    expect(await failures.list()).toEqual([]);
    const reinjected = await readAfter(sequences[4]!);
    expect(reinjected.map((d) => Buffer.from(d))).toEqual(
      [1, 2, 3].map((i) => Buffer.from(entries[i]!.data)),
    );
    // Idempotent: nothing left to redrive, nothing written twice.
    expect(await app({ action: 'redrive' })).toMatchObject({ redriven: 0 });
    expect(await readAfter(sequences[4]!)).toHaveLength(3);

    // The re-injected records go through the processor like any other (same ingest ids as the originals).
    const process = createProcessApp({
      config: processConfig(),
      region: 'eu',
      ...awsStores(
        clients,
        { bucket: 'redrive', regionalTable: 'redrive-aggregates', failureQueueUrl: queueUrl },
        'eu',
      ),
    });
    await process(kinesisEvent(reinjected.map((data) => ({ data }))), LAMBDA_CONTEXT);
    const ids = (await s3Lines(createS3ObjectStore(clients.s3, 'redrive'))).map(
      (l) => JSON.parse(l).ingest.id,
    );
    expect(ids.length).toBeGreaterThan(0);
    expect(
      ids.every(
        (id: string) => /^id-(\d+)$/.test(id) && Number(id.slice(3)) >= 4 && Number(id.slice(3)) < 16,
      ),
    ).toBe(true);
  });
});
