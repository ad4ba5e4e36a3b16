import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, type LogRecordExporter, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveLambda } from '../../../local/http-adapter.ts';
import type { PutResult, RecordSink, SinkEntry } from '../../../shared/adapters/kinesis-producer.ts';
import { google, opentelemetry } from '../../../shared/ingest/protocols/generated/wire.js';
import { decodeEnvelope } from '../../../shared/record/envelope.ts';
import { apiEvent, type IngestStack, KEYS, memoryApp, startIngestStack } from '../../helpers/ingest.ts';
import { otlpJsonToProtobuf } from '../../helpers/otlp-proto.ts';

/** The real OTel JS proto exporter → local HTTP adapter → ingest app → Kinesis producer → kinesalite. */

let stack: IngestStack;
beforeAll(async () => {
  stack = await startIngestStack();
});
afterAll(async () => {
  await stack?.close();
});

/** Sends `emit`'s records through the exporter; returns the export result codes (0 = success, 1 = failed). */
async function exportWith(
  url: string,
  options: { key: string; gzip?: boolean },
  emit: (p: LoggerProvider) => void,
): Promise<number[]> {
  const exporter = new OTLPLogExporter({
    url,
    headers: { Authorization: `Bearer ${options.key}` },
    ...(options.gzip && { compression: CompressionAlgorithm.GZIP }),
  });
  const codes: number[] = [];
  const recording: LogRecordExporter = {
    export: (logs, cb) =>
      exporter.export(logs, (r) => {
        codes.push(r.code);
        cb(r);
      }),
    shutdown: () => exporter.shutdown(),
    forceFlush: () => exporter.forceFlush(),
  };
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'proto-shop' }),
    processors: [new SimpleLogRecordProcessor(recording)],
  });
  emit(provider);
  await provider.forceFlush();
  await provider.shutdown();
  return codes;
}

describe('OTLP/HTTP protobuf with @opentelemetry/exporter-logs-otlp-proto', () => {
  for (const gzip of [false, true]) {
    it(`delivers every record exactly once into the stream${gzip ? ' (gzip)' : ''}`, async () => {
      const tag = `proto-${gzip ? 'gz' : 'plain'}`;
      const codes = await exportWith(`${stack.url}/v1/logs`, { key: KEYS.acme, gzip }, (p) => {
        const logger = p.getLogger('shop.cart', '3.1.0');
        logger.emit({
          severityNumber: SeverityNumber.WARN,
          severityText: 'WARN',
          body: `${tag} warn`,
          attributes: {
            'user.tier': 'gold',
            attempts: 3,
            blob: new Uint8Array([0, 1, 255]),
            nested: { a: [1, 'x'] },
          },
          timestamp: [1_795_000_000, 123_456_789],
        });
        logger.emit({ severityNumber: SeverityNumber.ERROR, body: { structured: true, tag } });
      });
      expect(codes).toEqual([0, 0]);
      const records = (await stack.records()).filter((r) => r.message.includes(tag));
      expect(records.map((r) => r.message).sort()).toEqual([
        `${tag} warn`,
        `{"structured":true,"tag":"${tag}"}`,
      ]);
      const warn = records.find((r) => r.message === `${tag} warn`)!;
      expect(warn).toMatchObject({
        tenant: 'acme',
        service: 'proto-shop',
        level: 'warn',
        timestamp: 1_795_000_000_123,
        attributes: {
          'user.tier': 'gold',
          attempts: 3,
          blob: 'AAH/',
          nested: { a: [1, 'x'] },
          resource: { 'service.name': 'proto-shop' },
          scope: { name: 'shop.cart', version: '3.1.0' },
        },
        ingest: { protocol: 'otlp' },
      });
    });
  }

  it('a wrong key fails the export (401, not retried) and nothing is written', async () => {
    const before = (await stack.records()).length;
    const codes = await exportWith(`${stack.url}/v1/logs`, { key: 'not-a-key' }, (p) =>
      p.getLogger('x').emit({ body: 'must not land' }),
    );
    expect(codes).toEqual([1]);
    expect((await stack.records()).length).toBe(before);
  });

  it('a stream that fails once gets 429 + Retry-After; the exporter retries and the record lands once', async () => {
    const entries: SinkEntry[] = [];
    let calls = 0;
    const sink: RecordSink = {
      async put(batch): Promise<PutResult> {
        calls++;
        if (calls === 1)
          return { accepted: batch.map(() => false), failed: batch.length, throttled: true, calls: 1 };
        entries.push(...batch);
        return { accepted: batch.map(() => true), failed: 0, throttled: false, calls: 1 };
      },
    };
    const { app } = await memoryApp({ sink });
    const served = await serveLambda(app);
    try {
      const codes = await exportWith(`${served.url}/v1/logs`, { key: KEYS.acme }, (p) =>
        p.getLogger('x').emit({ body: 'retried once' }),
      );
      expect(codes).toEqual([0]);
      expect(calls).toBe(2);
      expect(entries.flatMap((e) => decodeEnvelope(e.data)).map((r) => r.message)).toEqual(['retried once']);
    } finally {
      await served.close();
    }
  }, 20_000);
});

describe('OTLP/HTTP protobuf answers (in-process)', () => {
  const proto = { 'content-type': 'application/x-protobuf' };
  const { ExportLogsServiceResponse } = opentelemetry.proto.collector.logs.v1;
  const bytes = (body: string | undefined) => Buffer.from(body ?? '', 'base64');
  const doc = (message: string) => ({
    resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: { stringValue: message } }] }] }],
  });

  it('success is an empty protobuf ExportLogsServiceResponse; refused records come back as partial_success', async () => {
    const { app, records } = await memoryApp({ limits: { maxRecordBytes: 2_000 } });
    const ok = await app(
      apiEvent('POST', '/v1/logs', {
        headers: { ...proto, authorization: `Bearer ${KEYS.acme}` },
        body: Buffer.from(otlpJsonToProtobuf(doc('small'))),
      }),
    );
    expect([ok.statusCode, ok.headers?.['content-type'], ok.isBase64Encoded, bytes(ok.body).length]).toEqual([
      200,
      'application/x-protobuf',
      true,
      0,
    ]);
    const big = {
      resourceLogs: [
        {
          scopeLogs: [
            { logRecords: [{ body: { stringValue: 'x'.repeat(5_000) } }, { body: { stringValue: 'kept' } }] },
          ],
        },
      ],
    };
    const partial = await app(
      apiEvent('POST', '/v1/logs', {
        headers: { ...proto, authorization: `Bearer ${KEYS.acme}` },
        body: Buffer.from(otlpJsonToProtobuf(big)),
      }),
    );
    expect(partial.statusCode).toBe(200);
    const answer = ExportLogsServiceResponse.decode(bytes(partial.body));
    expect(Number(answer.partialSuccess?.rejectedLogRecords)).toBe(1);
    expect(answer.partialSuccess?.errorMessage).toMatch(/2000-byte limit/);
    expect(records().map((r) => r.message)).toEqual(['small', 'kept']);
  });

  it('errors are google.rpc.Status in protobuf: 401 unauthenticated, 400 invalid argument for garbage', async () => {
    const { app, records } = await memoryApp();
    const noKey = await app(
      apiEvent('POST', '/v1/logs', { headers: proto, body: Buffer.from([0x0a, 0x00]) }),
    );
    expect(noKey.statusCode).toBe(401);
    expect(google.rpc.Status.decode(bytes(noKey.body))).toMatchObject({ code: 16 });
    const garbage = await app(
      apiEvent('POST', '/v1/logs', {
        headers: { ...proto, authorization: `Bearer ${KEYS.acme}` },
        body: Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f]),
      }),
    );
    expect(garbage.statusCode).toBe(400);
    const status = google.rpc.Status.decode(bytes(garbage.body));
    expect(status).toMatchObject({ code: 3, message: expect.stringMatching(/not a valid OTLP protobuf/) });
    expect(records()).toHaveLength(0);
  });
});
