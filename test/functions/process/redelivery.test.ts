import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import kpl from 'aws-kinesis-agg';
import type { KinesisStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProcessApp, type ProcessDeps } from '../../../functions/process/app.ts';
import { awsStores } from '../../../functions/process/wiring.ts';
import { type Emulators, startEmulators } from '../../../local/emulators/start.ts';
import { createDynamoAggregateStore } from '../../../shared/adapters/aggregate-store.ts';
import { type Clients, createClients } from '../../../shared/adapters/clients.ts';
import { createS3ObjectStore } from '../../../shared/adapters/object-store.ts';
import { WriteError } from '../../../shared/process/errors.ts';
import {
  createResources,
  envelopeEntries,
  kinesisEvent,
  LAMBDA_CONTEXT,
  processConfig,
  type RawEntry,
  s3Lines,
  seqNo,
  sliceEvent,
  type Totals,
  totals,
  withFaults,
} from '../../helpers/process.ts';

let emulators: Emulators;
let clients: Clients;
let n = 0;

interface Target {
  deps: Pick<ProcessDeps, 'objects' | 'aggregates' | 'failures' | 'alerts'>;
  queueUrl: string;
  result(): Promise<{ lines: string[]; totals: Totals }>;
}

/** A fresh bucket, table and queue: every scenario starts empty. */
async function target(): Promise<Target> {
  const names = { bucket: `process-${++n}`, table: `aggregates-${n}`, queue: `alerts-${n}` };
  const queueUrl = await createResources(clients, names);
  const deps = awsStores(
    clients,
    { bucket: names.bucket, regionalTable: names.table, failureQueueUrl: queueUrl },
    'eu',
  );
  const objects = createS3ObjectStore(clients.s3, names.bucket);
  const reader = createDynamoAggregateStore(clients.dynamodb, names.table);
  return {
    deps,
    queueUrl,
    result: async () => ({ lines: await s3Lines(objects), totals: await totals(reader) }),
  };
}

function app(deps: Target['deps'], extra: Partial<ProcessDeps> = {}) {
  return createProcessApp({ config: processConfig(), region: 'eu', ...deps, ...extra });
}

/**
 * What the event source mapping does with ReportBatchItemFailures: retry from the lowest reported sequence
 * number (inclusive) until the batch succeeds. A thrown error retries the whole (remaining) batch.
 */
async function deliver(handler: ReturnType<typeof app>, event: KinesisStreamEvent): Promise<number> {
  let rest = event;
  for (let attempt = 1; attempt <= 20; attempt++) {
    let failures: string[];
    try {
      failures = (await handler(rest, LAMBDA_CONTEXT)).batchItemFailures.map((f) => f.itemIdentifier);
    } catch {
      continue;
    }
    if (failures.length === 0) return attempt;
    const lowest = failures.sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1))[0]!;
    const from = rest.Records.findIndex((r) => r.kinesis.sequenceNumber === lowest);
    expect(from).toBeGreaterThanOrEqual(0);
    rest = sliceEvent(rest, from);
  }
  throw new Error('batch never succeeded');
}

const throttle = () => new WriteError('dynamodb', 'injected: ThrottlingException', { retryable: true });
const BATCH = kinesisEvent(envelopeEntries(30, 6));
let clean: { lines: string[]; totals: Totals };

beforeAll(async () => {
  emulators = await startEmulators();
  clients = createClients({ awsRegion: 'eu-west-1', endpoints: emulators.endpoints, maxAttempts: 1 });
  const t = await target();
  await app(t.deps)(BATCH, LAMBDA_CONTEXT);
  clean = await t.result();
  // The reference run itself must have produced something to compare against.
  expect(clean.lines.length).toBe(135);
  expect(clean.totals.count).toBe(135);
});

afterAll(async () => {
  await emulators?.stop();
});

describe('exactly-once effect against the emulators', () => {
  it('the same batch delivered three times equals one clean run', async () => {
    const t = await target();
    const handler = app(t.deps);
    for (let i = 0; i < 3; i++) expect((await handler(BATCH, LAMBDA_CONTEXT)).batchItemFailures).toEqual([]);
    expect(await t.result()).toEqual(clean);
  });

  it('retryable failures at random points, retried Lambda-style from the lowest failed sequence number', async () => {
    // Deterministic pseudo-random fault points: a different S3 PUT and UpdateItem fails on several attempts.
    let seed = 7;
    const rnd = (k: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return 1 + (seed % k);
    };
    for (let round = 0; round < 3; round++) {
      const t = await target();
      const failApply = new Set([rnd(30), 40 + rnd(30)]);
      const failPut = new Set([rnd(4)]);
      const handler = app({
        ...t.deps,
        aggregates: withFaults(t.deps.aggregates, (m, call) => {
          if (m === 'apply' && failApply.has(call)) throw throttle();
        }),
        objects: withFaults(t.deps.objects, (m, call) => {
          if (m === 'put' && failPut.has(call))
            throw new WriteError('s3', 'injected: SlowDown', { retryable: true });
        }),
      });
      expect(await deliver(handler, BATCH)).toBeGreaterThan(1);
      expect(await t.result()).toEqual(clean);
    }
  });

  it('bisection after a partial write: first half, then second half', async () => {
    const t = await target();
    const broken = app({
      ...t.deps,
      aggregates: withFaults(t.deps.aggregates, (m, call) => {
        if (m === 'apply' && call > 3) throw throttle();
      }),
    });
    expect((await broken(BATCH, LAMBDA_CONTEXT)).batchItemFailures).toHaveLength(1);
    const handler = app(t.deps);
    const half = Math.floor(BATCH.Records.length / 2);
    await deliver(handler, sliceEvent(BATCH, 0, half));
    await deliver(handler, sliceEvent(BATCH, half));
    expect(await t.result()).toEqual(clean);
  });

  it('a retry whose batch is larger than the failed attempt', async () => {
    const t = await target();
    const broken = app({
      ...t.deps,
      aggregates: withFaults(t.deps.aggregates, (m, call) => {
        if (m === 'apply' && call % 3 === 0) throw throttle();
      }),
    });
    await broken(sliceEvent(BATCH, 0, 10), LAMBDA_CONTEXT);
    await deliver(app(t.deps), BATCH);
    expect(await t.result()).toEqual(clean);
  });

  it('a crash after the S3 writes and before the DynamoDB writes', async () => {
    const t = await target();
    const crashed = app({
      ...t.deps,
      aggregates: withFaults(t.deps.aggregates, () => {
        throw new Error('process killed');
      }),
    });
    await crashed(BATCH, LAMBDA_CONTEXT);
    const between = await t.result();
    expect(between.lines).toEqual(clean.lines);
    expect(between.totals.count).toBe(0);
    await deliver(app(t.deps), BATCH);
    expect(await t.result()).toEqual(clean);
  });

  it('a crash after the DynamoDB writes and before the S3 writes', async () => {
    const t = await target();
    const crashed = app({
      ...t.deps,
      objects: withFaults(t.deps.objects, (m) => {
        if (m === 'put') throw new Error('process killed');
      }),
    });
    await crashed(BATCH, LAMBDA_CONTEXT);
    const between = await t.result();
    expect(between.lines).toEqual([]);
    expect(between.totals).toEqual(clean.totals);
    await deliver(app(t.deps), BATCH);
    expect(await t.result()).toEqual(clean);
  });

  it('poison records mixed with good ones are parked and alerted, never block, and change nothing else', async () => {
    const t = await target();
    // Good records keep their order at even positions; poison sits between them at odd ones.
    const poisoned: RawEntry[] = BATCH.Records.map((r, i) => ({
      data: Buffer.from(r.kinesis.data, 'base64'),
      sequenceNumber: seqNo(2 * i),
      arrivalMs: r.kinesis.approximateArrivalTimestamp * 1000,
    }));
    poisoned.push({ data: Uint8Array.from([0xc3, 0x28]), sequenceNumber: seqNo(7) });
    poisoned.push({ data: new TextEncoder().encode('{"sluice":1}\n{"broken'), sequenceNumber: seqNo(21) });
    poisoned.sort((a, b) => (BigInt(a.sequenceNumber!) < BigInt(b.sequenceNumber!) ? -1 : 1));
    const event = kinesisEvent(poisoned);
    const handler = app(t.deps);
    expect((await handler(event, LAMBDA_CONTEXT)).batchItemFailures).toEqual([]);
    expect((await handler(event, LAMBDA_CONTEXT)).batchItemFailures).toEqual([]);
    expect(await t.result()).toEqual(clean);
    const parked = await t.deps.failures.list();
    expect(parked).toHaveLength(2);
    const reasons = await Promise.all(parked.map(async (k) => (await t.deps.failures.get(k))!.reason));
    expect(reasons.sort()).toEqual(['invalid-envelope', 'undecodable']);
    const msgs = await clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: t.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    // At-least-once alerts: the delivered-twice batch alerts twice, for the same two keys.
    expect(new Set((msgs.Messages ?? []).map((m) => JSON.parse(m.Body!).key))).toEqual(new Set(parked));
  });

  it('KPL-aggregated input made with aws-kinesis-agg, replayed, equals one clean run of the same records', async () => {
    const users = BATCH.Records.map((r) => ({
      partitionKey: r.kinesis.partitionKey,
      data: Buffer.from(r.kinesis.data, 'base64'),
    }));
    const aggregated: Buffer[] = [];
    await new Promise<void>((resolve, reject) => {
      kpl.aggregate(
        users,
        (encoded, done) => {
          aggregated.push(encoded.data);
          done();
        },
        () => resolve(),
        reject,
      );
    });
    // The aggregator packs user records into aggregates of up to 1 MiB each (one or more here).
    expect(aggregated.length).toBeGreaterThanOrEqual(1);
    const event = kinesisEvent(aggregated.map((data) => ({ data })));
    const t = await target();
    const handler = app(t.deps);
    await handler(event, LAMBDA_CONTEXT);
    await handler(event, LAMBDA_CONTEXT);
    const result = await t.result();
    expect(result.totals).toEqual(clean.totals);
    expect(result.lines).toEqual(clean.lines);
  });

  it('without the high-water-mark guard the same replay double counts (the guard is what prevents it)', async () => {
    const t = await target();
    const unguarded = app(t.deps, { idempotency: false });
    await unguarded(BATCH, LAMBDA_CONTEXT);
    await unguarded(BATCH, LAMBDA_CONTEXT);
    const result = await t.result();
    expect(result.lines).toEqual(clean.lines);
    expect(result.totals.count).toBe(2 * clean.totals.count);
    expect(result.totals).not.toEqual(clean.totals);
  });
});
