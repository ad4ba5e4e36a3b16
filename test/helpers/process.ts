import { gunzipSync } from 'node:zlib';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import type { AggregateReader } from '../../shared/adapters/aggregate-store.ts';
import type { Clients } from '../../shared/adapters/clients.ts';
import type { ObjectStore } from '../../shared/adapters/object-store.ts';
import { parseConfig, type SluiceConfig } from '../../shared/config/load.ts';
import { packRecords } from '../../shared/record/envelope.ts';
import type { LogRecord } from '../../shared/record/record.ts';
import { AGGREGATE_TABLE_KEYS } from '../../shared/resources.ts';
import { makeRecord, T0 } from './records.ts';

export const SHARD = 'shardId-000000000000';

/** A two-region config: tenants acme and globex live in `eu`, initech in `us`. Patterns and one stat on. */
export function processConfig(overrides: Record<string, unknown> = {}): SluiceConfig {
  return parseConfig(
    {
      version: 1,
      regions: { eu: { awsRegion: 'eu-west-1' }, us: { awsRegion: 'us-east-1' } },
      defaults: {
        pipeline: {
          filter: { minLevel: 'info' },
          aggregate: { windowSeconds: 60, stats: ['attributes.durationMs'] },
        },
      },
      tenants: [
        { id: 'acme', homeRegion: 'eu', keys: [{ id: 'k1', sha256: 'a'.repeat(64) }] },
        { id: 'globex', homeRegion: 'eu', keys: [{ id: 'k1', sha256: 'b'.repeat(64) }] },
        { id: 'initech', homeRegion: 'us', keys: [{ id: 'k1', sha256: 'c'.repeat(64) }] },
      ],
      ...overrides,
    },
    'test config',
  );
}

/** 56-digit sequence numbers like Kinesis', increasing with `i`. */
export function seqNo(i: number): string {
  return `4959${String(i).padStart(52, '0')}`;
}

export interface RawEntry {
  data: Uint8Array;
  partitionKey?: string;
  /** Defaults to seqNo(position in the list). */
  sequenceNumber?: string;
  arrivalMs?: number;
}

export function kinesisEvent(entries: readonly RawEntry[], shardId = SHARD): KinesisStreamEvent {
  return {
    Records: entries.map(
      (e, i): KinesisStreamRecord => ({
        eventSource: 'aws:kinesis',
        eventVersion: '1.0',
        eventID: `${shardId}:${e.sequenceNumber ?? seqNo(i)}`,
        eventName: 'aws:kinesis:record',
        invokeIdentityArn: 'arn:aws:iam::123456789012:role/test',
        awsRegion: 'eu-west-1',
        eventSourceARN: 'arn:aws:kinesis:eu-west-1:123456789012:stream/test',
        kinesis: {
          kinesisSchemaVersion: '1.0',
          partitionKey: e.partitionKey ?? 'pk',
          sequenceNumber: e.sequenceNumber ?? seqNo(i),
          data: Buffer.from(e.data).toString('base64'),
          approximateArrivalTimestamp: (e.arrivalMs ?? T0) / 1000,
        },
      }),
    ),
  };
}

/** Slices an event's records (a retry from a checkpoint, a bisected half). */
export function sliceEvent(event: KinesisStreamEvent, start: number, end?: number): KinesisStreamEvent {
  return { Records: event.Records.slice(start, end) };
}

const SERVICES = ['checkout', 'payments', 'search'] as const;
const LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/**
 * `n` envelope stream records of `perEnvelope` realistic records each (tenants acme/globex alternating, some
 * with an email to mask, some below the level threshold), receive time T0 + a second per envelope.
 */
export function envelopeEntries(n: number, perEnvelope = 5, start = 0): RawEntry[] {
  const out: RawEntry[] = [];
  for (let e = start; e < start + n; e++) {
    const tenant = e % 3 === 2 ? 'globex' : 'acme';
    const receivedAt = T0 + e * 1000;
    const records: LogRecord[] = [];
    for (let k = 0; k < perEnvelope; k++) {
      const i = e * perEnvelope + k;
      records.push(
        makeRecord({
          tenant,
          region: 'eu',
          service: SERVICES[i % SERVICES.length]!,
          level: LEVELS[i % LEVELS.length]!,
          timestamp: receivedAt - 500 + k,
          message:
            i % 3 === 0 ? `user u${i}@example.com paid order ${1000 + i}` : `request ${i} took ${i % 97} ms`,
          attributes: { durationMs: i % 97, requestId: `r-${i}` },
          ingest: { receivedAt, protocol: 'test', id: `id-${i}` },
        }),
      );
    }
    for (const data of packRecords(records, 1 << 20)) out.push({ data, arrivalMs: receivedAt });
  }
  return out;
}

/** Every line of every object under `prefix`, sorted: the S3 contents a user would see, as a comparable list. */
export async function s3Lines(objects: ObjectStore, prefix = 'records/'): Promise<string[]> {
  const lines: string[] = [];
  for (const key of await objects.list(prefix)) {
    const o = await objects.get(key);
    if (!o) continue;
    const text = gunzipSync(o.body).toString('utf8');
    for (const line of text.split('\n')) if (line) lines.push(line);
  }
  return lines.sort();
}

export interface Totals {
  count: number;
  bytes: number;
  /** `service|level` → count */
  byKey: Record<string, number>;
  patterns: Record<string, number>;
  statSum: number;
  statMin: number;
  statMax: number;
}

/** Aggregate totals for the tenants, read back through the store's reader. */
export async function totals(
  reader: AggregateReader,
  tenants: readonly string[] = ['acme', 'globex'],
  region = 'eu',
): Promise<Totals> {
  const t: Totals = {
    count: 0,
    bytes: 0,
    byKey: {},
    patterns: {},
    statSum: 0,
    statMin: Number.POSITIVE_INFINITY,
    statMax: Number.NEGATIVE_INFINITY,
  };
  for (const tenant of tenants) {
    const { counts, patterns } = await reader.read({
      region,
      tenant,
      from: T0 - 86_400_000,
      to: T0 + 86_400_000,
    });
    for (const c of counts) {
      t.count += c.count;
      t.bytes += c.bytes;
      const k = `${tenant}|${c.service}|${c.level}|${c.windowStart}`;
      t.byKey[k] = (t.byKey[k] ?? 0) + c.count;
      const s = c.stats['attributes.durationMs'];
      if (s) {
        t.statSum += s.sum;
        t.statMin = Math.min(t.statMin, s.min);
        t.statMax = Math.max(t.statMax, s.max);
      }
    }
    for (const p of patterns) {
      const k = `${tenant}|${p.service}|${p.template}`;
      t.patterns[k] = (t.patterns[k] ?? 0) + p.count;
    }
  }
  return t;
}

export const LAMBDA_CONTEXT = { getRemainingTimeInMillis: () => 300_000 };

export interface Names {
  bucket: string;
  table: string;
  queue: string;
}

/** Creates a bucket, the aggregate table (pk/sk strings) and an alert queue; returns the queue URL. */
export async function createResources(clients: Clients, names: Names): Promise<string> {
  await clients.s3.send(new CreateBucketCommand({ Bucket: names.bucket }));
  await clients.dynamodb.send(
    new CreateTableCommand({
      TableName: names.table,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: AGGREGATE_TABLE_KEYS.partitionKey, AttributeType: 'S' },
        { AttributeName: AGGREGATE_TABLE_KEYS.sortKey, AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: AGGREGATE_TABLE_KEYS.partitionKey, KeyType: 'HASH' },
        { AttributeName: AGGREGATE_TABLE_KEYS.sortKey, KeyType: 'RANGE' },
      ],
    }),
  );
  const q = await clients.sqs.send(new CreateQueueCommand({ QueueName: names.queue }));
  return q.QueueUrl!;
}

/** Wraps an object's async methods: `fault(method, callNo)` may throw to inject a failure before the call. */
export function withFaults<T extends object>(target: T, fault: (method: string, call: number) => void): T {
  let calls = 0;
  return new Proxy(target, {
    get(obj, prop, receiver) {
      const v = Reflect.get(obj, prop, receiver);
      if (typeof v !== 'function') return v;
      return async (...args: unknown[]) => {
        fault(String(prop), ++calls);
        return (v as (...a: unknown[]) => unknown).apply(obj, args);
      };
    },
  });
}

/** A throttling error as the SDK raises it (retryable). */
export function throttled(): Error {
  return Object.assign(new Error('Rate exceeded'), {
    name: 'ThrottlingException',
    $retryable: { throttling: true },
  });
}
