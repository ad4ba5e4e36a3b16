import { gzipSync } from 'node:zlib';
import kpl from 'aws-kinesis-agg';
import { describe, expect, it } from 'vitest';
import { createProcessApp, type ProcessDeps } from '../../../functions/process/app.ts';
import { createMemoryAggregateStore } from '../../../shared/adapters/aggregate-store.ts';
import { createMemoryAlertQueue } from '../../../shared/adapters/alert-queue.ts';
import { createFailureStore } from '../../../shared/adapters/failure-store.ts';
import { createMemoryObjectStore } from '../../../shared/adapters/object-store.ts';
import { WriteError } from '../../../shared/process/errors.ts';
import { encodeEnvelope, packRecords } from '../../../shared/record/envelope.ts';
import {
  envelopeEntries,
  kinesisEvent,
  LAMBDA_CONTEXT,
  processConfig,
  type RawEntry,
  s3Lines,
  seqNo,
  sliceEvent,
  throttled,
  totals,
  withFaults,
} from '../../helpers/process.ts';
import { makeRecord, T0 } from '../../helpers/records.ts';

function memoryApp(extra: Partial<ProcessDeps> = {}) {
  const objects = createMemoryObjectStore();
  const aggregates = createMemoryAggregateStore();
  const alerts = createMemoryAlertQueue();
  const app = createProcessApp({
    config: processConfig(),
    region: 'eu',
    objects,
    aggregates,
    failures: createFailureStore(objects),
    alerts,
    ...extra,
  });
  return { app, objects, aggregates, alerts };
}

const text = (s: string) => new TextEncoder().encode(s);

describe('process app (in-memory stores)', () => {
  it('writes kept records as one gzip NDJSON object per partition with provenance, and aggregates', async () => {
    const { app, objects, aggregates } = memoryApp();
    const report = await app.run(kinesisEvent(envelopeEntries(20)), LAMBDA_CONTEXT);
    expect(report.response.batchItemFailures).toEqual([]);
    const keys = [...objects.objects.keys()];
    expect(
      keys.every((k) =>
        /^records\/tenant=(acme|globex)\/dt=2026-11-22\/hour=10\/shardId-000000000000-\d{129}\.ndjson\.gz$/.test(
          k,
        ),
      ),
    ).toBe(true);
    expect(keys).toHaveLength(2);
    const lines = await s3Lines(objects);
    // 100 records, a quarter are debug (below minLevel info).
    expect(lines).toHaveLength(75);
    expect(lines.join('\n')).not.toMatch(/@example\.com/);
    const meta = objects.objects.get(keys[0]!)!.metadata;
    expect(meta['sluice-region']).toBe('eu');
    expect(Number(meta['sluice-records'])).toBeGreaterThan(0);
    expect(JSON.parse(meta['sluice-masked']!)).toHaveProperty('email');
    const t = await totals(aggregates);
    expect(t.count).toBe(75);
    expect(Object.keys(t.patterns).length).toBeGreaterThan(0);
    expect(report.dynamodbWrites).toBe(aggregates.items.size);
  });

  it('a replayed batch writes no aggregate and changes nothing', async () => {
    const { app, objects, aggregates } = memoryApp();
    const event = kinesisEvent(envelopeEntries(12));
    await app(event, LAMBDA_CONTEXT);
    const before = { lines: await s3Lines(objects), t: await totals(aggregates) };
    const replay = await app.run(event, LAMBDA_CONTEXT);
    expect(replay.dynamodbWrites).toBe(0);
    expect(await s3Lines(objects)).toEqual(before.lines);
    expect(await totals(aggregates)).toEqual(before.t);
  });

  it('parks poison records with payload and reason and alerts, without failing the batch', async () => {
    const { app, objects, alerts, aggregates } = memoryApp();
    const good = envelopeEntries(3);
    const entries: RawEntry[] = [
      good[0]!,
      { data: Uint8Array.from([0xff, 0xfe, 0x00, 0x80]) },
      good[1]!,
      { data: text('{"sluice":1}\nnot json') },
      {
        data: encodeEnvelope([
          JSON.stringify({
            ...JSON.parse(new TextDecoder().decode(good[2]!.data).split('\n')[1]!),
            tenant: 'nobody',
          }),
        ]),
      },
      good[2]!,
    ];
    const report = await app.run(kinesisEvent(entries), LAMBDA_CONTEXT);
    expect(report.response.batchItemFailures).toEqual([]);
    expect(report.poison).toBe(3);
    const parked = [...objects.objects.keys()].filter((k) => k.startsWith('failed/'));
    expect(parked).toHaveLength(3);
    const first = JSON.parse(new TextDecoder().decode(objects.objects.get(parked[0]!)!.body));
    expect(first).toMatchObject({
      reason: 'undecodable',
      shardId: 'shardId-000000000000',
      sequenceNumber: seqNo(1),
    });
    expect(Buffer.from(first.payload, 'base64')).toEqual(Buffer.from([0xff, 0xfe, 0x00, 0x80]));
    expect(alerts.messages.map((m) => m.reason).sort()).toEqual([
      'invalid-envelope',
      'undecodable',
      'unknown-tenant',
    ]);
    expect(JSON.stringify(alerts.messages)).not.toContain('"payload":');
    expect((await totals(aggregates)).count).toBe(11);
  });

  it('decodes KPL aggregates, CloudWatch Logs subscriptions and plain producers into the default tenant', async () => {
    const { app, objects } = memoryApp();
    const kplData = await new Promise<Buffer>((resolve, reject) => {
      kpl.aggregate(
        [
          { partitionKey: 'a', data: Buffer.from('{"message":"kpl one","level":"warn","service":"edge"}') },
          { partitionKey: 'b', data: Buffer.from('kpl plain text line') },
        ],
        (encoded, done) => {
          resolve(encoded.data);
          done();
        },
        () => {},
        reject,
      );
    });
    const cwl = gzipSync(
      JSON.stringify({
        messageType: 'DATA_MESSAGE',
        owner: '123456789012',
        logGroup: '/aws/lambda/orders',
        logStream: 's',
        subscriptionFilters: ['f'],
        logEvents: [
          { id: 'e1', timestamp: T0, message: 'cw text event' },
          { id: 'e2', timestamp: T0 + 1, message: '{"msg":"cw json event","level":"error"}' },
        ],
      }),
    );
    const control = gzipSync(JSON.stringify({ messageType: 'CONTROL_MESSAGE', logEvents: [] }));
    const report = await app.run(
      kinesisEvent([
        { data: kplData },
        { data: cwl },
        { data: control },
        { data: text('{"message":"plain json"}\nsecond line') },
      ]),
      LAMBDA_CONTEXT,
    );
    expect(report.poison).toBe(0);
    const records = (await s3Lines(objects)).map((l) => JSON.parse(l));
    expect(records.map((r) => r.message).sort()).toEqual(
      [
        'cw json event',
        'cw text event',
        'kpl one',
        'kpl plain text line',
        'plain json',
        'second line',
      ].sort(),
    );
    expect(new Set(records.map((r) => r.tenant))).toEqual(new Set(['acme']));
    const cw = records.find((r) => r.message === 'cw text event');
    expect(cw.service).toBe('/aws/lambda/orders');
    expect(cw.ingest.id).toBe('cwl-e1');
    const ids = records.map((r) => r.ingest.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('stops near the deadline after a written prefix and reports the first unprocessed record', async () => {
    const { app, objects, aggregates } = memoryApp({ reserveMs: 1000 });
    const event = kinesisEvent(envelopeEntries(40, 2));
    let calls = 0;
    const context = { getRemainingTimeInMillis: () => (++calls > 2 ? 500 : 60_000) };
    const first = await app.run(event, context);
    const cut = first.processed;
    expect(cut).toBeGreaterThan(0);
    expect(cut).toBeLessThan(40);
    expect(first.response.batchItemFailures).toEqual([{ itemIdentifier: seqNo(cut) }]);
    await app(sliceEvent(event, cut), LAMBDA_CONTEXT);

    const clean = memoryApp();
    await clean.app(event, LAMBDA_CONTEXT);
    expect(await s3Lines(objects)).toEqual(await s3Lines(clean.objects));
    expect(await totals(aggregates)).toEqual(await totals(clean.aggregates));
  });

  it('reports the whole batch failed from its first record when no time is left', async () => {
    const { app } = memoryApp({ reserveMs: 5000 });
    const res = await app(kinesisEvent(envelopeEntries(3)), { getRemainingTimeInMillis: () => 4000 });
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: seqNo(0) }]);
  });

  it('splits an update over DynamoDB’s 4 KB expression limit into record prefixes, still exactly once', async () => {
    // A distinct requestId per record: ~1,500 count entries in 8 buckets, far more than one update can hold.
    const config = processConfig({
      defaults: {
        pipeline: {
          filter: { minLevel: 'info' },
          aggregate: {
            windowSeconds: 60,
            groupBy: ['attributes.requestId'],
            stats: ['attributes.durationMs'],
          },
        },
      },
    });
    const event = kinesisEvent(envelopeEntries(50, 60));
    const clean = memoryApp({ config });
    const report = await clean.app.run(event, LAMBDA_CONTEXT);
    expect(report.response.batchItemFailures).toEqual([]);
    const lines = await s3Lines(clean.objects);
    const t = await totals(clean.aggregates);
    expect(t.count).toBe(lines.length);
    expect(t.bytes).toBe(lines.reduce((n, l) => n + Buffer.byteLength(l), 0));
    // More UpdateItem calls than items: some items went in several prefixes.
    expect(report.dynamodbWrites).toBeGreaterThan(clean.aggregates.items.size);

    // A failure part-way through the prefixes, then Lambda's retry of the whole batch: still exact.
    const objects = createMemoryObjectStore();
    const aggregates = createMemoryAggregateStore();
    const failing = memoryApp({
      config,
      objects,
      aggregates: withFaults(aggregates, (m, call) => {
        if (m === 'apply' && call > 12) throw throttled();
      }),
    });
    expect((await failing.app.run(event, LAMBDA_CONTEXT)).response.batchItemFailures).toHaveLength(1);
    const partial = await totals(aggregates);
    expect(partial.count).toBeGreaterThan(0);
    expect(partial.count).toBeLessThan(t.count);
    const retry = memoryApp({ config, objects, aggregates });
    expect((await retry.app.run(event, LAMBDA_CONTEXT)).response.batchItemFailures).toEqual([]);
    expect(await totals(aggregates)).toEqual(t);
    expect((await retry.app.run(event, LAMBDA_CONTEXT)).dynamodbWrites).toBe(0);
  });

  it('splits inside one stream record too: an envelope whose aggregates exceed one update still lands, once', async () => {
    const config = processConfig({
      defaults: {
        pipeline: {
          filter: { minLevel: 'info' },
          aggregate: { windowSeconds: 60, groupBy: ['attributes.route'], stats: ['attributes.durationMs'] },
        },
      },
    });
    const records = Array.from({ length: 1200 }, (_, i) =>
      makeRecord({
        timestamp: T0 + i,
        message: 'ok',
        attributes: { route: `/r${i}`, durationMs: i },
        ingest: { receivedAt: T0, id: `x-${i}` },
      }),
    );
    const event = kinesisEvent(packRecords(records, 1 << 20).map((data) => ({ data })));
    expect(event.Records).toHaveLength(1);
    const { app, aggregates } = memoryApp({ config });
    const first = await app.run(event, LAMBDA_CONTEXT);
    expect(first.response.batchItemFailures).toEqual([]);
    expect(first.dynamodbWrites).toBeGreaterThan(aggregates.items.size);
    const t = await totals(aggregates);
    expect([t.count, t.statSum, t.statMin, t.statMax]).toEqual([1200, (1199 * 1200) / 2, 0, 1199]);
    expect((await app.run(event, LAMBDA_CONTEXT)).dynamodbWrites).toBe(0);
    expect(await totals(aggregates)).toEqual(t);
  });

  it('names an object after its first kept record, so a retry that kept nothing before a checkpoint overwrites it', async () => {
    // 16 debug records (dropped), then 4 info records, one stream record each.
    const entries = Array.from({ length: 20 }, (_, i) => ({
      data: packRecords(
        [
          makeRecord({
            level: i < 16 ? 'debug' : 'info',
            timestamp: T0 + i,
            ingest: { receivedAt: T0 + i, id: `id-${i}` },
          }),
        ],
        1 << 20,
      )[0]!,
    }));
    const event = kinesisEvent(entries);
    const objects = createMemoryObjectStore();
    const aggregates = createMemoryAggregateStore();
    let failWrites = true;
    const flaky = withFaults(aggregates, (m) => {
      if (failWrites && m === 'apply') throw throttled();
    });
    const { app } = memoryApp({ objects, aggregates: flaky });
    // Attempt 1 writes the object (lines 16-19) but not the aggregates: the batch fails from its first record.
    expect((await app.run(event, LAMBDA_CONTEXT)).response.batchItemFailures).toHaveLength(1);
    failWrites = false;
    // Attempt 2 stops at the deadline after 16 records, none kept; attempt 3 takes the rest.
    let calls = 0;
    const second = await app.run(event, { getRemainingTimeInMillis: () => (++calls === 1 ? 300_000 : 0) });
    expect(second.processed).toBe(16);
    expect((await app.run(sliceEvent(event, 16), LAMBDA_CONTEXT)).response.batchItemFailures).toEqual([]);
    const lines = await s3Lines(objects);
    expect(lines).toHaveLength(4);
    expect((await totals(aggregates)).count).toBe(4);
  });

  it('returns only when every write of a failed attempt has settled', async () => {
    const objects = createMemoryObjectStore();
    let inFlight = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slow: typeof objects = {
      ...objects,
      async put(key, body, options) {
        if (key.includes('globex')) throw throttled();
        inFlight++;
        await gate;
        inFlight--;
        return objects.put(key, body, options);
      },
    };
    const { app } = memoryApp({ objects: slow });
    let settled = false;
    const run = app.run(kinesisEvent(envelopeEntries(12)), LAMBDA_CONTEXT).then((r) => {
      settled = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(inFlight).toBeGreaterThan(0);
    expect(settled).toBe(false);
    release();
    expect((await run).response.batchItemFailures).toHaveLength(1);
    expect(inFlight).toBe(0);
  });
});

describe('process app: a write refused for good', () => {
  const recording = () => {
    const counts: string[] = [];
    return {
      counts,
      metrics: {
        count: (name: string, _v: number, d?: { name: string; value: string }) =>
          counts.push(d ? `${name}:${d.value}` : name),
        milliseconds() {},
      },
    };
  };

  it('parks the whole batch with reason write-refused and a BatchParked metric, instead of retrying it', async () => {
    const { metrics, counts } = recording();
    const base = createMemoryAggregateStore();
    const aggregates = {
      ...base,
      async apply() {
        throw new WriteError('dynamodb', 'UpdateItem failed: AccessDeniedException', { retryable: false });
      },
    };
    const { app, objects, alerts } = memoryApp({ aggregates, metrics });
    const event = kinesisEvent(envelopeEntries(4));
    const report = await app.run(event, LAMBDA_CONTEXT);
    expect(report.response.batchItemFailures).toEqual([]);
    const parked = [...objects.objects.keys()].filter((k) => k.startsWith('failed/'));
    expect(parked).toHaveLength(4);
    const first = JSON.parse(new TextDecoder().decode(objects.objects.get(parked[0]!)!.body));
    expect(first).toMatchObject({
      reason: 'write-refused',
      detail: 'dynamodb: UpdateItem failed: AccessDeniedException',
      sequenceNumber: seqNo(0),
    });
    expect(Buffer.from(first.payload, 'base64')).toEqual(
      Buffer.from(event.Records[0]!.kinesis.data, 'base64'),
    );
    expect(alerts.messages.map((m) => m.reason)).toEqual(Array(4).fill('write-refused'));
    expect(counts).toContain('BatchParked:dynamodb');
    expect(counts).not.toContain('BatchRetried');
  });

  it('retries instead when the refusal is retryable, or when parking fails too', async () => {
    const { metrics, counts } = recording();
    let retryable = true;
    const objects = createMemoryObjectStore();
    const refusing: typeof objects = {
      ...objects,
      async put() {
        throw new WriteError('s3', 'PutObject failed: AccessDenied', { retryable });
      },
    };
    const { app } = memoryApp({ objects: refusing, failures: createFailureStore(refusing), metrics });
    const event = kinesisEvent(envelopeEntries(3));
    expect((await app.run(event, LAMBDA_CONTEXT)).response.batchItemFailures).toEqual([
      { itemIdentifier: seqNo(0) },
    ]);
    // The failure store shares the bucket: a bucket that refuses writes cannot take the parked batch either.
    retryable = false;
    expect((await app.run(event, LAMBDA_CONTEXT)).response.batchItemFailures).toEqual([
      { itemIdentifier: seqNo(0) },
    ]);
    expect(counts.filter((c) => c === 'BatchRetried')).toHaveLength(2);
    expect(counts.some((c) => c.startsWith('BatchParked'))).toBe(false);
  });
});

describe('process app: metrics and retry bounds', () => {
  const recorder = () => {
    const counts = new Map<string, number>();
    return {
      counts,
      metrics: {
        count: (name: string, v: number, d?: { name: string; value: string }) => {
          const k = d ? `${name}:${d.value}` : name;
          counts.set(k, (counts.get(k) ?? 0) + v);
        },
        milliseconds() {},
      },
    };
  };

  it('emits ValuesMasked by detector and BatchStoppedEarly when the deadline cuts a batch', async () => {
    const { metrics, counts } = recorder();
    const { app } = memoryApp({ metrics });
    await app.run(kinesisEvent(envelopeEntries(6)), LAMBDA_CONTEXT);
    // Every third record carries an e-mail (helpers/process.ts): 10 of 30, 2 of them below minLevel.
    expect(counts.get('ValuesMasked:email')).toBeGreaterThan(0);
    expect(counts.get('BatchStoppedEarly')).toBeUndefined();
    // As in 'stops near the deadline…': the check runs every few stream records, so the batch needs 40.
    let calls = 0;
    const cut = await app.run(kinesisEvent(envelopeEntries(40, 2, 6)), {
      getRemainingTimeInMillis: () => (++calls > 2 ? 0 : 300_000),
    });
    expect(cut.processed).toBeLessThan(40);
    expect(counts.get('BatchStoppedEarly')).toBe(1);
  });

  it('counts ClampedTimestamps for records whose event time is out of bounds, aggregating them at receive time', async () => {
    const { metrics, counts } = recorder();
    const { app, aggregates } = memoryApp({ metrics });
    const ingest = { receivedAt: T0, protocol: 'test' };
    const records = [
      makeRecord({ tenant: 'acme', region: 'eu', timestamp: -8.64e15, ingest: { ...ingest, id: 'c1' } }),
      makeRecord({
        tenant: 'acme',
        region: 'eu',
        timestamp: T0 + 2 * 3_600_000,
        ingest: { ...ingest, id: 'c2' },
      }),
      makeRecord({ tenant: 'acme', region: 'eu', timestamp: T0 - 60_000, ingest: { ...ingest, id: 'c3' } }),
    ];
    await app.run(kinesisEvent(packRecords(records, 1 << 20).map((data) => ({ data }))), LAMBDA_CONTEXT);
    expect(counts.get('ClampedTimestamps')).toBe(2);
    const windows = [...aggregates.items.values()].map((i) => Number(i['windowStart'])).sort();
    expect(new Set(windows)).toEqual(new Set([T0 - 60_000, T0]));
  });

  it('gives up on an item that keeps changing after exactly maxConflictRounds attempts, retrying the batch', async () => {
    const base = createMemoryAggregateStore();
    const attempts = new Map<string, number>();
    const aggregates = {
      ...base,
      async apply(item: Parameters<typeof base.apply>[0]) {
        const id = `${item.pk}|${item.sk}`;
        attempts.set(id, (attempts.get(id) ?? 0) + 1);
        return 'conflict' as const;
      },
    };
    const { app } = memoryApp({ aggregates, maxConflictRounds: 3 });
    const report = await app.run(kinesisEvent(envelopeEntries(2)), LAMBDA_CONTEXT);
    expect(report.response.batchItemFailures).toEqual([{ itemIdentifier: seqNo(0) }]);
    expect(attempts.size).toBeGreaterThan(0);
    expect(new Set(attempts.values())).toEqual(new Set([3]));
  });
});
