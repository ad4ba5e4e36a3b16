import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { Client } from '@elastic/elasticsearch';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, type LogRecordExporter, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogRecord } from '../../../shared/record/record.ts';
import {
  apiEvent,
  bearer,
  type IngestStack,
  KEYS,
  memoryApp,
  readStream,
  startIngestStack,
} from '../../helpers/ingest.ts';

/**
 * End to end through the local HTTP adapter, the ingest app and a real Kinesis producer into kinesalite, driven by
 * the client libraries shippers use. Records are read back from the stream with GetRecords + decodeEnvelope.
 */

const run = promisify(execFile);
const fixture = (name: string) => readFileSync(new URL(`../../fixtures/ingest/${name}`, import.meta.url));

interface SplunkLoggerLike {
  send(context: { message: unknown; metadata?: Record<string, string> }, cb: SplunkCallback): void;
  /** Called on every failed request; the default prints to stderr. */
  error: (err: Error, context: unknown) => void;
  flush(cb: SplunkCallback): void;
}
type SplunkCallback = (err: Error | null, resp: unknown, body: unknown) => void;
const { Logger: SplunkLogger } = createRequire(import.meta.url)('splunk-logging') as {
  Logger: new (config: Record<string, unknown>) => SplunkLoggerLike;
};

let stack: IngestStack;
beforeAll(async () => {
  stack = await startIngestStack();
});
afterAll(async () => {
  await stack?.close();
});

/** Records in the stream whose message matches. */
async function inStream(match: (r: LogRecord) => boolean): Promise<LogRecord[]> {
  return (await stack.records()).filter(match);
}

/** What a record looks like independent of when/where it was received. */
const content = (r: LogRecord) => ({
  tenant: r.tenant,
  region: r.region,
  service: r.service,
  level: r.level,
  message: r.message,
  attributes: r.attributes,
  protocol: r.ingest.protocol,
  timestamp: r.timestamp === r.ingest.receivedAt ? 'received' : r.timestamp,
});

describe('every route accepts its fixture and the records land in kinesalite intact', () => {
  const cases: [string, string, Record<string, string>][] = [
    ['/ingest', 'ndjson.ndjson', { 'content-type': 'application/x-ndjson' }],
    ['/ingest', 'vector-array.json', { 'content-type': 'application/json' }],
    ['/ingest', 'vector.ndjson', {}],
    ['/ingest', 'fluentbit-json.json', { 'content-type': 'application/json' }],
    ['/ingest', 'fluentbit-json-lines.ndjson', {}],
    ['/ingest', 'fluentbit-json-stream.txt', {}],
    ['/ingest', 'syslog.txt', { 'content-type': 'text/plain' }],
    ['/ingest', 'text.txt', { 'content-type': 'text/plain' }],
    ['/v1/logs', 'otlp.json', { 'content-type': 'application/json' }],
    ['/services/collector/event', 'hec-event.json', {}],
    ['/services/collector/raw', 'hec-raw.txt', {}],
    ['/_bulk', 'es-bulk.ndjson', { 'content-type': 'application/x-ndjson' }],
    ['/app-logs/_bulk', 'es-bulk.ndjson', { 'content-type': 'application/x-ndjson' }],
    ['/firehose', 'firehose.json', { 'x-amz-firehose-request-id': 'fixture-req-1' }],
  ];
  for (const [path, file, headers] of cases) {
    it(`${path} ← ${file}`, async () => {
      const before = new Set((await stack.records()).map((r) => r.ingest.id));
      const res = await fetch(`${stack.url}${path}`, {
        method: 'POST',
        headers: { ...headers, ...bearer(KEYS.acme) },
        body: fixture(file),
      });
      expect(res.status).toBe(200);
      // Without a path index, the fixture's third action names no index: that item alone fails, like in ES.
      if (path.includes('_bulk')) expect((await reply(res)).errors).toBe(path === '/_bulk');
      const landed = (await stack.records()).filter((r) => !before.has(r.ingest.id));
      // The same request handled in-process with an in-memory sink: the stream must hold exactly that.
      const mem = await memoryApp();
      await mem.app(
        apiEvent('POST', path, {
          headers: { ...headers, ...bearer(KEYS.acme) },
          body: fixture(file),
        }),
      );
      const expected = mem.records().map(content);
      expect(expected.length).toBeGreaterThan(0);
      expect(landed.map(content).sort(byMessage)).toEqual(expected.sort(byMessage));
    });
  }
});

/** The fields these tests read from JSON answers. */
interface Reply {
  errors?: boolean;
  error?: unknown;
  message?: string;
  requestId?: string;
}
const reply = async (res: Response) => (await res.json()) as Reply;

function byMessage(a: { message: string }, b: { message: string }): number {
  return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
}

describe('real clients', () => {
  it('OpenTelemetry JS OTLP/HTTP log exporter (Bearer key from a secret reference)', async () => {
    const results: number[] = [];
    const exporter = new OTLPLogExporter({
      url: `${stack.url}/v1/logs`,
      headers: { Authorization: `Bearer ${KEYS.acmeSecret}` },
    });
    const recording: LogRecordExporter = {
      export: (logs, cb) =>
        exporter.export(logs, (r) => {
          results.push(r.code);
          cb(r);
        }),
      shutdown: () => exporter.shutdown(),
      forceFlush: () => exporter.forceFlush(),
    };
    const provider = new LoggerProvider({
      resource: resourceFromAttributes({ 'service.name': 'otel-shop', 'deployment.environment': 'test' }),
      processors: [new SimpleLogRecordProcessor(recording)],
    });
    const logger = provider.getLogger('shop.checkout', '2.0.1');
    logger.emit({
      severityNumber: SeverityNumber.WARN,
      severityText: 'WARN',
      body: 'otel exporter record',
      attributes: { 'user.tier': 'gold', attempts: 3 },
    });
    logger.emit({ severityNumber: SeverityNumber.ERROR, body: { structured: true, n: 1 } });
    await provider.forceFlush();
    await provider.shutdown();
    expect(results).toEqual([0, 0]);
    const [warn] = await inStream((r) => r.message === 'otel exporter record');
    expect(warn).toMatchObject({
      tenant: 'acme',
      service: 'otel-shop',
      level: 'warn',
      attributes: {
        'user.tier': 'gold',
        attempts: 3,
        resource: { 'service.name': 'otel-shop', 'deployment.environment': 'test' },
        scope: { name: 'shop.checkout', version: '2.0.1' },
      },
      ingest: { protocol: 'otlp' },
    });
    expect(await inStream((r) => r.message === '{"structured":true,"n":1}')).toHaveLength(1);
  });

  it('OpenTelemetry exporter with a wrong key fails (401) and nothing is written', async () => {
    const before = (await stack.records()).length;
    const exporter = new OTLPLogExporter({
      url: `${stack.url}/v1/logs`,
      headers: { Authorization: 'Bearer not-a-key' },
    });
    const codes: number[] = [];
    const provider = new LoggerProvider({
      processors: [
        new SimpleLogRecordProcessor({
          export: (logs, cb) =>
            exporter.export(logs, (r) => {
              codes.push(r.code);
              cb(r);
            }),
          shutdown: () => exporter.shutdown(),
          forceFlush: () => exporter.forceFlush(),
        }),
      ],
    });
    provider.getLogger('x').emit({ body: 'must not land' });
    await provider.forceFlush();
    await provider.shutdown();
    expect(codes).toEqual([1]);
    expect((await stack.records()).length).toBe(before);
  });

  it('Elasticsearch JS client: info() product check, helpers.bulk with ApiKey (plain and id:key), gzip', async () => {
    const docs = Array.from({ length: 250 }, (_, i) => ({
      '@timestamp': new Date(1_795_000_000_000 + i).toISOString(),
      message: `es bulk helper doc ${i}`,
      log: { level: i % 10 === 0 ? 'error' : 'info' },
      http: { status: 200 + (i % 3) },
    }));
    const client = new Client({ node: stack.url, auth: { apiKey: KEYS.acme }, compression: true });
    const info = await client.info();
    expect(info.version.number).toMatch(/^8\./);
    const result = await client.helpers.bulk({
      datasource: docs,
      onDocument: () => ({ create: { _index: 'shop-logs' } }),
      flushBytes: 8_000,
      concurrency: 3,
    });
    expect([result.total, result.successful, result.failed]).toEqual([250, 250, 0]);
    await client.close();

    const pairClient = new Client({
      node: stack.url,
      auth: { apiKey: { id: 'acme-main', api_key: KEYS.acme } },
    });
    const r2 = await pairClient.helpers.bulk({
      datasource: [{ message: 'es id:key form' }],
      onDocument: () => ({ index: { _index: 'shop-logs' } }),
    });
    expect(r2.successful).toBe(1);
    await pairClient.close();

    const landed = await inStream((r) => r.message.startsWith('es bulk helper doc '));
    expect(landed).toHaveLength(250);
    expect(landed.find((r) => r.message === 'es bulk helper doc 10')).toMatchObject({
      service: 'shop-logs',
      level: 'error',
      attributes: { _index: 'shop-logs', http: { status: 201 } },
      ingest: { protocol: 'es-bulk' },
    });
    expect(await inStream((r) => r.message === 'es id:key form')).toHaveLength(1);
  });

  it('splunk-logging Logger (HEC token = key), batched concatenated events', async () => {
    const logger = new SplunkLogger({ token: KEYS.acme, url: stack.url, maxBatchCount: 3 });
    const send = (message: unknown, metadata: Record<string, string>) =>
      new Promise<unknown>((resolve, reject) =>
        logger.send({ message, metadata }, (err, _resp, body) => (err ? reject(err) : resolve(body))),
      );
    // With maxBatchCount 3 the first two only queue; the third sends all three in one request.
    void send('splunk one', { source: 'billing', sourcetype: 'billing:log', host: 'b-1' });
    void send({ text: 'splunk two', orderId: 7 }, { sourcetype: 'billing:log' });
    const body = await send('splunk three', { sourcetype: 'billing:log', index: 'finance' });
    expect(body).toEqual({ text: 'Success', code: 0 });
    const landed = await inStream(
      (r) => r.ingest.protocol === 'hec' && r.attributes['sourcetype'] === 'billing:log',
    );
    expect(landed).toHaveLength(3);
    expect(landed.find((r) => r.message === 'splunk one')).toMatchObject({
      service: 'billing',
      level: 'info',
      attributes: { host: 'b-1' },
    });

    const bad = new SplunkLogger({ token: 'wrong-token', url: stack.url });
    bad.error = () => {};
    const refused = await new Promise<unknown>((resolve) =>
      bad.send({ message: 'nope' }, (_err, _resp, b) => resolve(b)),
    );
    expect(refused).toEqual({ text: 'Invalid token', code: 4 });
  });

  it('curl with a gzip body and --compressed', async () => {
    const lines = Array.from({ length: 100 }, (_, i) =>
      JSON.stringify({ level: 'debug', message: `curl line ${i}` }),
    );
    const file = join(tmpdir(), `sluice-curl-${process.pid}.ndjson.gz`);
    writeFileSync(file, gzipSync(`${lines.join('\n')}\n`));
    const { stdout } = await run('curl', [
      '-sS',
      '--compressed',
      '-w',
      '\n%{http_code}',
      '-H',
      `Authorization: Bearer ${KEYS.acme}`,
      '-H',
      'Content-Type: application/x-ndjson',
      '-H',
      'Content-Encoding: gzip',
      '--data-binary',
      `@${file}`,
      `${stack.url}/ingest`,
    ]);
    expect(stdout.trim().split('\n')).toEqual(['{"accepted":100}', '200']);
    const landed = await inStream((r) => r.message.startsWith('curl line '));
    expect(landed.map((r) => r.message).sort()).toEqual(lines.map((l) => JSON.parse(l).message).sort());
    expect(landed.every((r) => r.level === 'debug')).toBe(true);
  });
});

describe('keys, residency and limits over HTTP', () => {
  const post = (path: string, body: string | Buffer, headers: Record<string, string> = {}) =>
    fetch(`${stack.url}${path}`, {
      method: 'POST',
      headers,
      body: typeof body === 'string' ? body : new Uint8Array(body),
    });

  it('missing or unknown key → 401 in each protocol shape; nothing written', async () => {
    const before = (await stack.records()).length;
    const none = await post('/ingest', 'x');
    expect([none.status, (await reply(none)).error]).toEqual([401, 'missingKey']);
    const hec = await post('/services/collector', '{"event":"x"}', { authorization: 'Splunk nope' });
    expect([hec.status, await hec.json()]).toEqual([401, { text: 'Invalid token', code: 4 }]);
    const hecMissing = await post('/services/collector', '{"event":"x"}');
    expect(await hecMissing.json()).toEqual({ text: 'Token is required', code: 2 });
    const es = await post('/_bulk', '{"index":{}}\n{}\n', { authorization: 'ApiKey bad' });
    expect(es.status).toBe(401);
    expect(es.headers.get('www-authenticate')).toMatch(/ApiKey/);
    expect(((await reply(es)).error as { type: string }).type).toBe('security_exception');
    const fh = await post('/firehose', fixture('firehose.json'), {
      'x-amz-firehose-access-key': 'bad',
      'x-amz-firehose-request-id': 'r-401',
    });
    expect([fh.status, (await reply(fh)).requestId]).toEqual([401, 'r-401']);
    expect((await stack.records()).length).toBe(before);
  });

  it('a tenant homed in another region → 403 naming its home region and endpoint; nothing written', async () => {
    const before = (await stack.records()).length;
    const res = await post('/ingest', '{"message":"from globex"}', bearer(KEYS.globex));
    expect(res.status).toBe(403);
    const { message } = await reply(res);
    expect(message).toContain('"us"');
    expect(message).toContain('us-east-1');
    expect(message).toContain('logs.us.example.com');
    expect((await stack.records()).length).toBe(before);
  });

  it('bodies over 10 MB → 413 from the adapter, like API Gateway', async () => {
    const res = await post('/ingest', Buffer.alloc(11 * 1024 * 1024, 0x61), bearer(KEYS.acme));
    expect(res.status).toBe(413);
  });

  it('a decompression bomb → 413 naming the cap', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20));
    const res = await post('/ingest', bomb, { ...bearer(KEYS.acme), 'content-encoding': 'gzip' });
    expect(res.status).toBe(413);
    expect((await reply(res)).message).toMatch(/16 MiB/);
  });

  it('a record over the 1 MiB Kinesis limit → 413 naming it; smaller ones in the same request are not written', async () => {
    const before = (await stack.records()).length;
    const body = `{"message":"small"}\n${JSON.stringify({ message: 'x'.repeat(1_100_000) })}\n`;
    const res = await post('/ingest', body, bearer(KEYS.acme));
    expect(res.status).toBe(413);
    expect((await reply(res)).message).toMatch(/record 2 is over/);
    expect((await stack.records()).length).toBe(before);
  });

  it('envelopes spread over the shards (partition keys are not constant)', async () => {
    const line = JSON.stringify({ message: 'spread', pad: 'p'.repeat(2000) });
    const body = Array.from({ length: 400 }, () => line).join('\n');
    expect((await post('/ingest', body, bearer(KEYS.acme))).status).toBe(200);
    const entries = (await readStream(stack.kinesis, stack.streamName)).filter((e) =>
      e.records.some((r) => r.message === 'spread'),
    );
    expect(entries.length).toBeGreaterThan(8);
    expect(new Set(entries.map((e) => e.shardId)).size).toBe(2);
    expect(new Set(entries.map((e) => e.partitionKey)).size).toBe(entries.length);
  });
});
