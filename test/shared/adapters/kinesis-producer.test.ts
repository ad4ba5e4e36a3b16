import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulators, startEmulators } from '../../../local/emulators/start.ts';
import { createClients } from '../../../shared/adapters/clients.ts';
import { createKinesisProducer, type SinkEntry } from '../../../shared/adapters/kinesis-producer.ts';
import { createStream } from '../../helpers/ingest.ts';

/**
 * kinesalite never fails part of a PutRecords call, so a proxy in front of it does: entries it decides to fail
 * are NOT forwarded (so the stream holds exactly what was reported written) and come back with a throttling
 * ErrorCode, as Kinesis reports partial failures.
 */
interface Proxy {
  url: string;
  calls: number[];
  /** Returns true to fail the entry (call number counts from 1). */
  fail: (call: number, data: string) => boolean;
  server: Server;
}

function startProxy(target: string): Promise<Proxy> {
  const proxy: Proxy = { url: '', calls: [], fail: () => false, server: undefined as unknown as Server };
  const upstream = new URL(target);
  proxy.server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body = Buffer.concat(chunks);
      const target = String(req.headers['x-amz-target'] ?? '');
      let failed: boolean[] | undefined;
      if (target.endsWith('.PutRecords')) {
        const doc = JSON.parse(body.toString()) as { Records: { Data: string }[] };
        proxy.calls.push(doc.Records.length);
        const call = proxy.calls.length;
        failed = doc.Records.map((r) => proxy.fail(call, Buffer.from(r.Data, 'base64').toString()));
        doc.Records = doc.Records.filter((_, i) => !failed![i]);
        if (doc.Records.length === 0) {
          const all = failed.map(() => ({
            ErrorCode: 'ProvisionedThroughputExceededException',
            ErrorMessage: 'Rate exceeded',
          }));
          res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
          res.end(JSON.stringify({ FailedRecordCount: all.length, Records: all }));
          return;
        }
        body = Buffer.from(JSON.stringify(doc));
      }
      const headers = { ...req.headers, 'content-length': String(body.length), host: upstream.host };
      const up = request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers },
        (upRes) => {
          const out: Buffer[] = [];
          upRes.on('data', (c: Buffer) => out.push(c));
          upRes.on('end', () => {
            let payload = Buffer.concat(out);
            if (failed && upRes.statusCode === 200) {
              const result = JSON.parse(payload.toString()) as {
                Records: object[];
                FailedRecordCount: number;
              };
              const forwarded = result.Records[Symbol.iterator]();
              result.Records = failed.map((f) =>
                f
                  ? { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded' }
                  : (forwarded.next().value as object),
              );
              result.FailedRecordCount = failed.filter(Boolean).length;
              payload = Buffer.from(JSON.stringify(result));
            }
            res.writeHead(upRes.statusCode ?? 500, {
              ...upRes.headers,
              'content-length': String(payload.length),
            });
            res.end(payload);
          });
        },
      );
      up.end(body);
    });
  });
  return new Promise((resolve) =>
    proxy.server.listen(0, '127.0.0.1', () => {
      proxy.url = `http://127.0.0.1:${(proxy.server.address() as AddressInfo).port}`;
      resolve(proxy);
    }),
  );
}

let emulators: Emulators;
let proxy: Proxy;
let kinesis: KinesisClient;
let viaProxy: KinesisClient;
let stream = 0;

beforeAll(async () => {
  emulators = await startEmulators();
  kinesis = createClients({ awsRegion: 'eu-west-1', endpoints: emulators.endpoints }).kinesis;
  proxy = await startProxy(emulators.endpoints.kinesis);
  viaProxy = createClients({
    awsRegion: 'eu-west-1',
    endpoints: { ...emulators.endpoints, kinesis: proxy.url },
    maxAttempts: 1,
  }).kinesis;
});
afterAll(async () => {
  proxy?.server.close();
  proxy?.server.closeAllConnections();
  await emulators?.stop();
});

async function freshStream(): Promise<string> {
  const name = `producer-${++stream}`;
  await createStream(kinesis, name, 2);
  proxy.calls = [];
  return name;
}

const entries = (n: number, size = 10): SinkEntry[] =>
  Array.from({ length: n }, (_, i) => ({
    data: Buffer.from(`${String(i).padStart(6, '0')}${'x'.repeat(Math.max(0, size - 6))}`),
    partitionKey: `pk-${i}`,
  }));

async function stored(name: string): Promise<string[]> {
  const got: string[] = [];
  for (const shard of await readStreamRaw(name)) got.push(...shard);
  return got.sort();
}

async function readStreamRaw(name: string): Promise<string[][]> {
  // The helper's readStream decodes envelopes; these entries are plain bytes.
  const { DescribeStreamCommand, GetShardIteratorCommand, GetRecordsCommand } = await import(
    '@aws-sdk/client-kinesis'
  );
  const d = await kinesis.send(new DescribeStreamCommand({ StreamName: name }));
  const out: string[][] = [];
  for (const s of d.StreamDescription?.Shards ?? []) {
    const it = await kinesis.send(
      new GetShardIteratorCommand({
        StreamName: name,
        ShardId: s.ShardId!,
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    const r = await kinesis.send(new GetRecordsCommand({ ShardIterator: it.ShardIterator!, Limit: 10_000 }));
    out.push((r.Records ?? []).map((x) => Buffer.from(x.Data!).toString()));
  }
  return out;
}

describe('KinesisProducer', () => {
  it('retries only the failed entries: every entry lands exactly once', async () => {
    const name = await freshStream();
    proxy.fail = (call, data) => call === 1 && Number(data.slice(0, 6)) % 3 === 0;
    const input = entries(40);
    const producer = createKinesisProducer({ client: viaProxy, streamName: name, baseDelayMs: 5 });
    const result = await producer.put(input, { deadline: Date.now() + 5_000 });
    expect(result).toMatchObject({ failed: 0, calls: 2 });
    expect(result.accepted.every(Boolean)).toBe(true);
    expect(proxy.calls).toEqual([40, 14]);
    expect(await stored(name)).toEqual(input.map((e) => Buffer.from(e.data).toString()).sort());
  });

  it('calls carry at most 500 entries and 5 MiB', async () => {
    const name = await freshStream();
    proxy.fail = () => false;
    const producer = createKinesisProducer({ client: viaProxy, streamName: name });
    expect((await producer.put(entries(1_200), { deadline: Date.now() + 10_000 })).failed).toBe(0);
    expect([...proxy.calls].sort((a, b) => b - a)).toEqual([500, 500, 200]);
    proxy.calls = [];
    const big = entries(12, 1024 * 1024 - 100);
    expect((await producer.put(big, { deadline: Date.now() + 10_000 })).failed).toBe(0);
    // Five entries of 1 MiB - 100 bytes (plus keys) fit in 5 MiB; a sixth would not.
    expect([...proxy.calls].sort((a, b) => b - a)).toEqual([5, 5, 2]);
  });

  it('gives up at the deadline and says truthfully which entries are in the stream', async () => {
    const name = await freshStream();
    proxy.fail = (_call, data) => Number(data.slice(0, 6)) >= 5;
    const producer = createKinesisProducer({ client: viaProxy, streamName: name, baseDelayMs: 20 });
    const started = Date.now();
    const input = entries(10);
    // Generous budget: the suite runs test files side by side on 2 cores, and kinesalite calls slow down with them.
    const result = await producer.put(input, { deadline: started + 1_200 });
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(result).toMatchObject({
      failed: 5,
      throttled: true,
      lastError: 'ProvisionedThroughputExceededException',
    });
    expect(result.calls).toBeGreaterThan(2);
    const inStream = new Set(await stored(name));
    const landed = input.map((e) => inStream.has(Buffer.from(e.data).toString()));
    expect(landed).toEqual(result.accepted);
  });

  it('does not throw when the stream is missing: every entry failed', async () => {
    const producer = createKinesisProducer({
      client: kinesis,
      streamName: 'no-such-stream',
      baseDelayMs: 10,
    });
    const result = await producer.put(entries(3), { deadline: Date.now() + 300 });
    expect(result).toMatchObject({ failed: 3, throttled: false, lastError: 'ResourceNotFoundException' });
    expect(result.accepted).toEqual([false, false, false]);
  });
});
