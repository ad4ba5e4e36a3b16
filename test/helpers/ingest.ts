import { createHash } from 'node:crypto';
import {
  CreateStreamCommand,
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { createIngestApp, type IngestAppDeps } from '../../functions/ingest/app.ts';
import { buildKeyStore } from '../../functions/ingest/keys.ts';
import { type Emulators, startEmulators } from '../../local/emulators/start.ts';
import { type ServedLambda, serveLambda } from '../../local/http-adapter.ts';
import { createClients } from '../../shared/adapters/clients.ts';
import {
  createKinesisProducer,
  createMemorySink,
  type PutResult,
  type RecordSink,
  type SinkEntry,
} from '../../shared/adapters/kinesis-producer.ts';
import { createSecretResolver } from '../../shared/adapters/secrets.ts';
import { parseConfig, type SluiceConfig } from '../../shared/config/load.ts';
import { decodeEnvelope } from '../../shared/record/envelope.ts';
import type { LogRecord } from '../../shared/record/record.ts';

/** Plaintext ingestion keys of the test tenants (the config holds only their hashes or a secret reference). */
export const KEYS = {
  acme: 'acme-ingest-key-0001',
  acmeSecret: 'acme-secret-key-0002',
  globex: 'globex-ingest-key-0003',
} as const;

export const SECRET_ENV = 'SLUICE_TEST_ACME_KEY';

const hex = (s: string) => createHash('sha256').update(s).digest('hex');

/** Two residency regions; acme is homed in `eu` (one hashed key, one from a secret), globex in `us`. */
export function ingestConfig(): SluiceConfig {
  return parseConfig(
    {
      version: 1,
      regions: {
        eu: { awsRegion: 'eu-west-1' },
        us: {
          awsRegion: 'us-east-1',
          ingest: {
            customDomain: {
              domainName: 'logs.us.example.com',
              certificateArn: 'arn:aws:acm:us-east-1:1:certificate/x',
            },
          },
        },
      },
      tenants: [
        {
          id: 'acme',
          homeRegion: 'eu',
          keys: [
            { id: 'main', sha256: hex(KEYS.acme) },
            { id: 'otel', secret: { env: SECRET_ENV } },
          ],
        },
        { id: 'globex', homeRegion: 'us', keys: [{ id: 'vector', sha256: hex(KEYS.globex) }] },
      ],
    },
    'test config',
  );
}

export async function testKeyStore(config = ingestConfig()) {
  return buildKeyStore(config, 'eu', createSecretResolver({ env: { [SECRET_ENV]: KEYS.acmeSecret } }));
}

/** An in-process app on the `eu` endpoint with an in-memory sink (or the one given). */
export async function memoryApp(options: Partial<IngestAppDeps> = {}) {
  const config = options.config ?? ingestConfig();
  const sink = createMemorySink();
  const app = createIngestApp({
    config,
    region: 'eu',
    keys: await testKeyStore(config),
    sink,
    ...options,
  });
  return { app, sink, records: () => sink.entries.flatMap((e) => decodeEnvelope(e.data)) };
}

export interface EventInit {
  headers?: Record<string, string>;
  body?: string | Buffer;
  query?: string;
  /** Send the body as-is in `body` (string) instead of base64. */
  text?: boolean;
}

let requestCounter = 0;

/** An API Gateway HTTP API v2 event, as the local adapter (or API Gateway) builds it. */
export function apiEvent(method: string, path: string, init: EventInit = {}): APIGatewayProxyEventV2 {
  const body =
    init.body === undefined ? undefined : Buffer.isBuffer(init.body) ? init.body : Buffer.from(init.body);
  const base64 = !init.text;
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: init.query ?? '',
    headers: Object.fromEntries(Object.entries(init.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
    requestContext: {
      accountId: 'test',
      apiId: 'test',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      requestId: `req-${++requestCounter}`,
      routeKey: '$default',
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
    },
    ...(body !== undefined && { body: base64 ? body.toString('base64') : body.toString('utf8') }),
    isBase64Encoded: base64 && body !== undefined,
  };
}

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

/** A sink that refuses the entries `fail` picks (as if the stream had not taken them in time). */
export function flakySink(
  fail: (entry: SinkEntry, index: number) => boolean,
): RecordSink & { entries: SinkEntry[] } {
  const entries: SinkEntry[] = [];
  return {
    entries,
    async put(batch): Promise<PutResult> {
      const accepted = batch.map((e, i) => !fail(e, i));
      batch.forEach((e, i) => {
        if (accepted[i]) entries.push(e);
      });
      const failed = accepted.filter((a) => !a).length;
      return { accepted, failed, throttled: failed > 0, calls: 1 };
    },
  };
}

export async function createStream(kinesis: KinesisClient, streamName: string, shards = 2): Promise<void> {
  await kinesis.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: shards }));
  for (let i = 0; i < 100; i++) {
    const d = await kinesis.send(new DescribeStreamCommand({ StreamName: streamName }));
    if (d.StreamDescription?.StreamStatus === 'ACTIVE') return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`stream ${streamName} did not become ACTIVE`);
}

export interface StreamEntryRead {
  partitionKey: string;
  shardId: string;
  records: LogRecord[];
}

/** Everything in the stream so far, per Kinesis record, decoded with `decodeEnvelope`. */
export async function readStream(kinesis: KinesisClient, streamName: string): Promise<StreamEntryRead[]> {
  const d = await kinesis.send(new DescribeStreamCommand({ StreamName: streamName }));
  const out: StreamEntryRead[] = [];
  for (const shard of d.StreamDescription?.Shards ?? []) {
    let iterator = (
      await kinesis.send(
        new GetShardIteratorCommand({
          StreamName: streamName,
          ShardId: shard.ShardId!,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      )
    ).ShardIterator;
    while (iterator) {
      const r = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
      for (const rec of r.Records ?? []) {
        out.push({
          partitionKey: rec.PartitionKey!,
          shardId: shard.ShardId!,
          records: decodeEnvelope(rec.Data!),
        });
      }
      if ((r.Records ?? []).length === 0) break;
      iterator = r.NextShardIterator;
    }
  }
  return out;
}

/** Kinesalite + a stream + the app with a real Kinesis producer, served on loopback by the local HTTP adapter. */
export interface IngestStack {
  emulators: Emulators;
  kinesis: KinesisClient;
  streamName: string;
  served: ServedLambda;
  url: string;
  /** Records in the stream that carry ids of the given prefix set, or all. */
  records(): Promise<LogRecord[]>;
  close(): Promise<void>;
}

export async function startIngestStack(options: Partial<IngestAppDeps> = {}): Promise<IngestStack> {
  const emulators = await startEmulators();
  const { kinesis } = createClients({
    awsRegion: 'eu-west-1',
    endpoints: emulators.endpoints,
    maxAttempts: 2,
  });
  const streamName = 'sluice-eu-records';
  await createStream(kinesis, streamName);
  const config = options.config ?? ingestConfig();
  const app = createIngestApp({
    config,
    region: 'eu',
    keys: await testKeyStore(config),
    sink: createKinesisProducer({ client: kinesis, streamName }),
    budgetMs: 5_000,
    ...options,
  });
  const served = await serveLambda(app);
  return {
    emulators,
    kinesis,
    streamName,
    served,
    url: served.url,
    records: async () => (await readStream(kinesis, streamName)).flatMap((e) => e.records),
    async close() {
      await served.close();
      kinesis.destroy();
      await emulators.stop();
    },
  };
}
