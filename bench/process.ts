/**
 * `npm run bench:process`: one 10,000-record Kinesis batch (ingest envelopes of realistic records, about a third
 * carrying personal data or secrets) through the processor app with in-process stores: decode, filter, mask,
 * aggregate, gzip NDJSON, the guarded aggregate updates. Reports throughput (MiB of the records' original lines)
 * and the DynamoDB UpdateItem calls the batch issued.
 */
import type { KinesisStreamEvent } from 'aws-lambda';
import { createProcessApp } from '../functions/process/app.ts';
import { createMemoryAggregateStore } from '../shared/adapters/aggregate-store.ts';
import { createMemoryAlertQueue } from '../shared/adapters/alert-queue.ts';
import { createFailureStore } from '../shared/adapters/failure-store.ts';
import { createMemoryObjectStore } from '../shared/adapters/object-store.ts';
import { loadConfig } from '../shared/config/load.ts';
import { packRecords } from '../shared/record/envelope.ts';
import { parseLogLine } from '../shared/record/parse-line.ts';
import { makeCorpus } from './corpus.ts';

const RECORDS = 10_000;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const config = loadConfig('config/example.yaml');
const tenant = config.tenants[0]!;
const region = tenant.homeRegion;
const hmacKeys = { [tenant.id]: new TextEncoder().encode('bench-only-hmac-key') };

// A busy shard: 10,000 records arriving within one minute (event times over the same minute).
const start = Date.UTC(2026, 10, 1, 12, 0, 0);
const lines = makeCorpus(RECORDS, 42, start, 55_000);
const bytes = lines.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);
let seq = 0;
const records = lines.map((line, i) =>
  parseLogLine(line, {
    tenant: tenant.id,
    region,
    protocol: 'bench',
    receivedAt: start + Math.floor(i / 200) * 1000,
    nextId: () => `bench-${seq++}`,
  }),
);
// One envelope per ingest request of ~200 records, as the ingest function would pack them.
const envelopes: Uint8Array[] = [];
for (let i = 0; i < records.length; i += 200) envelopes.push(...packRecords(records.slice(i, i + 200)));
const event: KinesisStreamEvent = {
  Records: envelopes.map((data, i) => ({
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `shardId-000000000000:${String(i).padStart(56, '4')}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: 'arn:aws:iam::123456789012:role/bench',
    awsRegion: 'eu-west-1',
    eventSourceARN: 'arn:aws:kinesis:eu-west-1:123456789012:stream/bench',
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: 'p',
      sequenceNumber: `4959${String(i).padStart(52, '0')}`,
      data: Buffer.from(data).toString('base64'),
      approximateArrivalTimestamp: (start + i * 1000) / 1000,
    },
  })),
};
const context = { getRemainingTimeInMillis: () => 900_000 };

async function once(): Promise<{ ms: number; writes: number; units: number; objects: number; kept: number }> {
  const objects = createMemoryObjectStore();
  const aggregates = createMemoryAggregateStore();
  const app = createProcessApp({
    config,
    region,
    objects,
    aggregates,
    failures: createFailureStore(objects),
    alerts: createMemoryAlertQueue(),
    hmacKeys,
  });
  const t0 = performance.now();
  const report = await app.run(event, context);
  const ms = performance.now() - t0;
  if (report.response.batchItemFailures.length > 0 || report.processed !== event.Records.length) {
    throw new Error('benchmark batch did not complete');
  }
  return {
    ms,
    writes: aggregates.writes,
    units: aggregates.writeUnits,
    objects: objects.puts,
    kept: report.processed,
  };
}

for (let i = 0; i < 3; i++) await once(); // warm-up (JIT)
const times: number[] = [];
let last = await once();
const until = performance.now() + SECONDS * 1000;
while (performance.now() < until) {
  last = await once();
  times.push(last.ms);
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)]!;
const mibs = bytes / 1024 / 1024 / (median / 1000);
const rps = RECORDS / (median / 1000);
console.log(
  `batch: ${RECORDS} records in ${envelopes.length} envelopes, ${(bytes / 1024 / 1024).toFixed(2)} MiB of lines; ` +
    `${times.length} runs, median ${median.toFixed(1)} ms; ${last.objects} S3 objects; ${last.writes} UpdateItem calls ` +
    `(${last.units} write request units on a fresh table)`,
);
console.log(
  `bench: process ${mibs.toFixed(1)} MiB/s, ${Math.round(rps)} records/s, ${Math.round((last.writes * 10_000) / RECORDS)} dynamodb writes per 10000 records`,
);
