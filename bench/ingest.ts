/**
 * Ingest edge throughput: the ingest app (route, key check, parse, normalize, serialize into envelopes) on NDJSON
 * and OTLP/JSON request bodies, with an in-process sink that discards, on one core (this process, one thread).
 * Bodies arrive as API Gateway delivers text content types: a string body, not base64. Last line:
 * `bench: ingest <X> MiB/s, <Y> records/s` (X over request body bytes).
 *
 * Rates are per CPU-second of this process (process.cpuUsage: user + system, all threads, so GC helper threads
 * count against us): on an idle core that is the wall-clock rate, and on a shared machine it stays comparable
 * between runs where wall time does not. The wall-clock rate is printed beside it.
 */
import { createHash } from 'node:crypto';
import os from 'node:os';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import snappy from 'snappyjs';
import { createIngestApp } from '../functions/ingest/app.ts';
import { createMemorySink } from '../shared/adapters/kinesis-producer.ts';
import { parseConfig } from '../shared/config/load.ts';
import { createKeyStore } from '../shared/ingest/auth.ts';
import { logproto } from '../shared/ingest/protocols/generated/wire.js';
import { otlpJsonToProtobuf } from '../test/helpers/otlp-proto.ts';
import { makeCorpus } from './corpus.ts';
import { writeResults } from './results.ts';

const KEY = 'bench-ingest-key';
const MIB = 1024 * 1024;

const config = parseConfig(
  {
    version: 1,
    regions: { eu: { awsRegion: 'eu-west-1' } },
    tenants: [
      {
        id: 'bench',
        homeRegion: 'eu',
        keys: [{ id: 'k', sha256: createHash('sha256').update(KEY).digest('hex') }],
      },
    ],
  },
  'bench',
);
const sink = createMemorySink({ retain: false });
const app = createIngestApp({
  config,
  region: 'eu',
  keys: createKeyStore([{ tenant: 'bench', keyId: 'k', sha256: createHash('sha256').update(KEY).digest() }]),
  sink,
});

function event(path: string, body: string, base64 = false): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    requestContext: {
      accountId: 'bench',
      apiId: 'bench',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method: 'POST', path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' },
      requestId: 'bench-request',
      routeKey: '$default',
      stage: '$default',
      time: '',
      timeEpoch: 0,
    },
    body: base64 ? Buffer.from(body).toString('base64') : body,
    isBase64Encoded: base64,
  };
}

const kv = (key: string, v: unknown): unknown => ({
  key,
  value:
    typeof v === 'string'
      ? { stringValue: v }
      : typeof v === 'number'
        ? Number.isInteger(v)
          ? { intValue: String(v) }
          : { doubleValue: v }
        : typeof v === 'boolean'
          ? { boolValue: v }
          : { kvlistValue: { values: Object.entries(v as object).map(([k, x]) => kv(k, x)) } },
});

/** The corpus as OTLP/JSON export requests of `perRequest` records, one resource per service. */
function otlpBodies(lines: string[], perRequest: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < lines.length; i += perRequest) {
    const byService = new Map<string, unknown[]>();
    for (const line of lines.slice(i, i + perRequest)) {
      let doc: Record<string, unknown>;
      try {
        doc = JSON.parse(line) as Record<string, unknown>;
      } catch {
        doc = { message: line, service: 'text', level: 'info' };
      }
      const { message, service, level, timestamp, ...rest } = doc;
      const records = byService.get(String(service)) ?? [];
      byService.set(String(service), records);
      records.push({
        timeUnixNano: timestamp ? `${Date.parse(String(timestamp))}000000` : undefined,
        severityText: String(level).toUpperCase(),
        severityNumber: { debug: 5, info: 9, warn: 13, error: 17 }[String(level)] ?? 9,
        body: { stringValue: String(message) },
        attributes: Object.entries(rest).map(([k, v]) => kv(k, v)),
      });
    }
    out.push(
      JSON.stringify({
        resourceLogs: [...byService].map(([service, logRecords]) => ({
          resource: { attributes: [kv('service.name', service), kv('host.name', 'bench-host')] },
          scopeLogs: [{ scope: { name: 'bench', version: '1.0.0' }, logRecords }],
        })),
      }),
    );
  }
  return out;
}

interface Sample {
  bytes: number;
  records: number;
  /** CPU milliseconds of this process. */
  ms: number;
  wallMs: number;
}

const rate = (bytes: number, ms: number) => ((bytes / MIB / ms) * 1000).toFixed(1);

async function measure(
  name: string,
  events: APIGatewayProxyEventV2[],
  bodyBytes: number[],
  records: number[],
  rounds: number,
): Promise<Sample> {
  // One untimed pass (JIT, heap sizing: a warm Lambda), then timed rounds.
  for (const e of events) await app(e);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let bytes = 0;
  let count = 0;
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < events.length; i++) {
      const res = await app(events[i]!);
      if (res.statusCode !== 200 && res.statusCode !== 204)
        throw new Error(`${name}: status ${res.statusCode} ${res.body}`);
      bytes += bodyBytes[i]!;
      count += records[i]!;
    }
  }
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  const ms = (cpu.user + cpu.system) / 1000;
  const perSecond = Math.round((count / ms) * 1000);
  console.log(
    `${name.padEnd(24)} ${rate(bytes, ms).padStart(6)} MiB/s ${String(perSecond).padStart(7)} records/s per CPU-s` +
      ` | wall ${rate(bytes, wallMs).padStart(6)} MiB/s (${(bytes / MIB).toFixed(0)} MiB, ${count} records,` +
      ` cpu ${ms.toFixed(0)} ms, wall ${wallMs.toFixed(0)} ms)`,
  );
  return { bytes, records: count, ms, wallMs };
}

const lines = makeCorpus(20_000);
const ndjson: string[] = [];
for (let i = 0; i < lines.length; i += 1000) ndjson.push(lines.slice(i, i + 1000).join('\n'));
const otlp = otlpBodies(lines, 500);
const rounds = Number(process.env['BENCH_ROUNDS'] ?? 6);

const nd = await measure(
  'ndjson (string body)',
  ndjson.map((b) => event('/ingest', b)),
  ndjson.map((b) => Buffer.byteLength(b)),
  ndjson.map(() => 1000),
  rounds,
);
const ot = await measure(
  'otlp/json (string body)',
  otlp.map((b) => event('/v1/logs', b)),
  otlp.map((b) => Buffer.byteLength(b)),
  otlp.map(() => 500),
  rounds,
);
await measure(
  'ndjson (base64 body)',
  ndjson.map((b) => event('/ingest', b, true)),
  ndjson.map((b) => Buffer.byteLength(b)),
  ndjson.map(() => 1000),
  1,
);
/** A binary body (protobuf) as API Gateway delivers it: base64. */
function binaryEvent(path: string, body: Uint8Array, contentType: string): APIGatewayProxyEventV2 {
  const e = event(path, '', true);
  return {
    ...e,
    headers: { ...e.headers, 'content-type': contentType },
    body: Buffer.from(body).toString('base64'),
  };
}
const otlpProto = otlp.map((b) => otlpJsonToProtobuf(JSON.parse(b)));
await measure(
  'otlp/protobuf (base64)',
  otlpProto.map((b) => binaryEvent('/v1/logs', b, 'application/x-protobuf')),
  otlpProto.map((b) => b.length),
  otlpProto.map(() => 500),
  rounds,
);
const lokiProto: Uint8Array[] = [];
for (let i = 0; i < lines.length; i += 1000) {
  const entries = lines.slice(i, i + 1000).map((line, j) => ({
    timestamp: { seconds: 1_795_000_000 + j, nanos: 0 },
    line,
  }));
  lokiProto.push(
    snappy.compress(
      logproto.PushRequest.encode({ streams: [{ labels: '{service_name="bench"}', entries }] }).finish(),
    ),
  );
}
await measure(
  'loki/snappy protobuf',
  lokiProto.map((b) => binaryEvent('/loki/api/v1/push', b, 'application/x-protobuf')),
  lokiProto.map((b) => b.length),
  lokiProto.map(() => 1000),
  rounds,
);
console.log(`discard sink took ${sink.count} envelopes, ${(sink.bytes / MIB).toFixed(0)} MiB`);
// Stream bytes per raw byte: one more pass over the NDJSON bodies, counting what reaches the (discard) sink.
const before = { bytes: sink.bytes, count: sink.count };
for (const b of ndjson) await app(event('/ingest', b));
const rawBytes = ndjson.reduce((n, b) => n + Buffer.byteLength(b), 0);
const streamRatio = (sink.bytes - before.bytes) / rawBytes;
const envelopeRawBytes = Math.round(rawBytes / (sink.count - before.count));
const ms = nd.ms + ot.ms;
const wall = nd.wallMs + ot.wallMs;
console.log(
  `ndjson + otlp: wall-clock ${rate(nd.bytes + ot.bytes, wall)} MiB/s; load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} on ${os.availableParallelism()} cores`,
);
const ingestMiBps = ((nd.bytes + ot.bytes) / MIB / ms) * 1000;
writeResults({
  streamBytesPerRawByte: Number(streamRatio.toFixed(4)),
  envelopeRawBytes,
  ingestMiBps: Number(ingestMiBps.toFixed(1)),
});
console.log(
  `bench: ingest ${ingestMiBps.toFixed(1)} MiB/s, ${Math.round(((nd.records + ot.records) / ms) * 1000)} records/s, stream ${streamRatio.toFixed(3)} bytes per raw byte`,
);
