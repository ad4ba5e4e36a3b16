import { Agent } from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/** Base URLs of AWS-API emulators (local stack, tests). Absent = the real AWS endpoints of the region. */
export interface Endpoints {
  kinesis: string;
  dynamodb: string;
  s3: string;
  sqs: string;
}

export interface Clients {
  kinesis: KinesisClient;
  dynamodb: DynamoDBClient;
  s3: S3Client;
  sqs: SQSClient;
}

export interface ClientOptions {
  /** AWS region of the clients (e.g. eu-west-1). */
  awsRegion: string;
  endpoints?: Endpoints;
  /** SDK retry attempts; the pipeline does its own retrying, so callers may lower this. */
  maxAttempts?: number;
}

/**
 * Creates the SDK clients once (cold start). Against emulators: HTTP/1.1 keep-alive handler (kinesalite breaks
 * the SDK's HTTP/2 path with ERR_HTTP2_ERROR), path-style S3 and the fixed S3RVER credentials s3rver accepts.
 */
export function createClients(options: ClientOptions): Clients {
  const { awsRegion: region, endpoints, maxAttempts } = options;
  const local = endpoints !== undefined;
  const requestHandler = local
    ? new NodeHttpHandler({
        httpAgent: new Agent({ keepAlive: true, maxSockets: 64 }),
        requestTimeout: 30_000,
      })
    : undefined;
  const base = {
    region,
    ...(maxAttempts !== undefined && { maxAttempts }),
    ...(requestHandler && { requestHandler }),
  };
  const fake = { accessKeyId: 'local', secretAccessKey: 'local' };
  return {
    kinesis: new KinesisClient({ ...base, ...(local && { endpoint: endpoints.kinesis, credentials: fake }) }),
    dynamodb: new DynamoDBClient({
      ...base,
      ...(local && { endpoint: endpoints.dynamodb, credentials: fake }),
    }),
    s3: new S3Client({
      ...base,
      ...(local && {
        endpoint: endpoints.s3,
        forcePathStyle: true,
        credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      }),
    }),
    sqs: new SQSClient({ ...base, ...(local && { endpoint: endpoints.sqs, credentials: fake }) }),
  };
}
