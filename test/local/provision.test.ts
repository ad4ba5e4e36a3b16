import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DescribeStreamSummaryCommand } from '@aws-sdk/client-kinesis';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulators, startEmulators } from '../../local/emulators/start.ts';
import { provision } from '../../local/provision.ts';
import { type Clients, createClients } from '../../shared/adapters/clients.ts';
import { loadConfig } from '../../shared/config/load.ts';
import { AGGREGATE_TABLE_KEYS, globalResources, regionResources } from '../../shared/resources.ts';

let emulators: Emulators;
let clients: Clients;
beforeAll(async () => {
  emulators = await startEmulators();
  clients = createClients({ awsRegion: 'us-east-1', endpoints: emulators.endpoints });
});
afterAll(async () => {
  await emulators?.stop();
});

describe('provision', () => {
  const config = loadConfig('config/example.yaml');

  it('creates what shared/resources.ts names for the region, and is idempotent', async () => {
    const first = await provision(config, 'us', clients);
    const again = await provision(config, 'us', clients);
    expect(again).toEqual(first);
    const names = regionResources(config, 'us');
    expect(first).toMatchObject({
      streamName: names.streamName,
      bucketName: names.bucketName,
      tableName: globalResources(config).tableName,
    });
    const stream = await clients.kinesis.send(
      new DescribeStreamSummaryCommand({ StreamName: names.streamName }),
    );
    expect(stream.StreamDescriptionSummary?.OpenShardCount).toBe(2);
    await clients.s3.send(new HeadBucketCommand({ Bucket: names.bucketName }));
    const table = await clients.dynamodb.send(new DescribeTableCommand({ TableName: first.tableName }));
    expect(table.Table?.KeySchema).toEqual([
      { AttributeName: AGGREGATE_TABLE_KEYS.partitionKey, KeyType: 'HASH' },
      { AttributeName: AGGREGATE_TABLE_KEYS.sortKey, KeyType: 'RANGE' },
    ]);
    expect(first.failureQueueUrl).toContain(names.failureQueueName);
    expect(first.esmFailureQueueUrl).toContain(names.esmFailureQueueName);
    const attrs = await clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: first.failureQueueUrl, AttributeNames: ['RedrivePolicy'] }),
    );
    expect(JSON.parse(attrs.Attributes!['RedrivePolicy']!).deadLetterTargetArn).toContain(
      names.failureQueueDlqName,
    );
  });
});
