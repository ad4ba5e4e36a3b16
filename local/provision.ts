import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
} from '@aws-sdk/client-dynamodb';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  ResourceInUseException as StreamInUseException,
} from '@aws-sdk/client-kinesis';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { Clients } from '../shared/adapters/clients.ts';
import type { SluiceConfig } from '../shared/config/load.ts';
import { AGGREGATE_TABLE_KEYS, globalResources, regionResources } from '../shared/resources.ts';

/** What `provision` created (or found), with the URLs the functions need in their environment. */
export interface ProvisionedRegion {
  region: string;
  awsRegion: string;
  streamName: string;
  shards: number;
  bucketName: string;
  tableName: string;
  /** Regional aggregate table (what the processor writes; the roll-up reads it). */
  regionalTableName: string;
  failureQueueUrl: string;
  failureQueueDlqUrl: string;
  esmFailureQueueUrl: string;
}

/** Failed-record alerts go to the DLQ after this many receives, as in the CDK app. */
const MAX_RECEIVE_COUNT = 5;

/**
 * Creates, in the emulators, the resources the CDK app defines for one residency region: the stream, the bucket,
 * the queues, the regional aggregate table and the (global) aggregate table. Names and key schema come from shared/resources.ts, the module the
 * constructs read. Idempotent: a second run against persisted data finds everything in place.
 */
export async function provision(
  config: SluiceConfig,
  region: string,
  clients: Clients,
): Promise<ProvisionedRegion> {
  const r = regionResources(config, region);
  const g = globalResources(config);
  const [, , , failureQueues, esmFailureQueueUrl] = await Promise.all([
    createStream(clients, r.streamName, r.shards),
    createTable(clients.dynamodb, g.tableName),
    createTable(clients.dynamodb, r.regionalTableName),
    createQueueWithDlq(clients, r.failureQueueName, r.failureQueueDlqName),
    createQueue(clients, r.esmFailureQueueName),
    createBucket(clients, r.bucketName),
  ]);
  return {
    region,
    awsRegion: r.awsRegion,
    streamName: r.streamName,
    shards: r.shards,
    bucketName: r.bucketName,
    tableName: g.tableName,
    regionalTableName: r.regionalTableName,
    failureQueueUrl: failureQueues.url,
    failureQueueDlqUrl: failureQueues.dlqUrl,
    esmFailureQueueUrl,
  };
}

async function createStream(clients: Clients, name: string, shards: number): Promise<void> {
  // kinesalite has no on-demand mode: on-demand regions get the configured shard count (default 2) locally.
  try {
    await clients.kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  } catch (err) {
    if (!(err instanceof StreamInUseException)) throw err;
  }
  for (let i = 0; i < 100; i++) {
    const d = await clients.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name }));
    if (d.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`stream ${name} did not become ACTIVE`);
}

async function createTable(dynamodb: DynamoDBClient, name: string): Promise<void> {
  const { partitionKey, sortKey } = AGGREGATE_TABLE_KEYS;
  try {
    await dynamodb.send(
      new CreateTableCommand({
        TableName: name,
        AttributeDefinitions: [
          { AttributeName: partitionKey, AttributeType: 'S' },
          { AttributeName: sortKey, AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: partitionKey, KeyType: 'HASH' },
          { AttributeName: sortKey, KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  } catch (err) {
    if (!(err instanceof ResourceInUseException)) throw err;
  }
  // dynalite has no UpdateTimeToLive (local-emulators.md): TTL on `expiresAt` exists only in AWS.
  for (let i = 0; i < 100; i++) {
    const d = await dynamodb.send(new DescribeTableCommand({ TableName: name }));
    if (d.Table?.TableStatus === 'ACTIVE') return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`table ${name} did not become ACTIVE`);
}

async function createQueue(clients: Clients, name: string, attributes?: Record<string, string>) {
  const out = await clients.sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  return out.QueueUrl!;
}

async function createQueueWithDlq(clients: Clients, name: string, dlqName: string) {
  const dlqUrl = await createQueue(clients, dlqName);
  const attrs = await clients.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }),
  );
  const url = await createQueue(clients, name, {
    RedrivePolicy: JSON.stringify({
      deadLetterTargetArn: attrs.Attributes?.QueueArn,
      maxReceiveCount: MAX_RECEIVE_COUNT,
    }),
  });
  return { url, dlqUrl };
}

async function createBucket(clients: Clients, name: string): Promise<void> {
  try {
    await clients.s3.send(new CreateBucketCommand({ Bucket: name }));
  } catch (err) {
    const name_ = (err as Error).name;
    if (name_ !== 'BucketAlreadyOwnedByYou' && name_ !== 'BucketAlreadyExists') throw err;
  }
}
