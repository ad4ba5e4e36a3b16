import { describe, expect, it } from 'vitest';
import type { RecordSink } from '../../../shared/adapters/kinesis-producer.ts';
import { decodeEnvelope } from '../../../shared/record/envelope.ts';
import { apiEvent, bearer, flakySink, KEYS, memoryApp } from '../../helpers/ingest.ts';

/** 2xx only when every record the client is told was accepted is in the stream. */

const auth = { ...bearer(KEYS.acme), 'x-amz-firehose-request-id': 'fh-9' };
const failAll = flakySink(() => true);
const unavailable: RecordSink = {
  put: async (entries) => ({
    accepted: entries.map(() => false),
    failed: entries.length,
    throttled: false,
    calls: 1,
  }),
};

async function send(sink: RecordSink, path: string, body: string) {
  const { app } = await memoryApp({ sink });
  const res = await app(apiEvent('POST', path, { headers: auth, body }));
  return { res, json: JSON.parse(res.body!) };
}

describe('when the stream does not take the records in time', () => {
  it('answers 429 (throttled) or 503 with Retry-After in each protocol shape', async () => {
    const ingest = await send(failAll, '/ingest', 'a line');
    expect([ingest.res.statusCode, ingest.res.headers?.['retry-after'], ingest.json.error]).toEqual([
      429,
      '2',
      'unavailable',
    ]);
    const down = await send(unavailable, '/ingest', 'a line');
    expect(down.res.statusCode).toBe(503);
    const otlp = await send(
      failAll,
      '/v1/logs',
      '{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"stringValue":"x"}}]}]}]}',
    );
    expect([otlp.res.statusCode, otlp.json.code]).toEqual([429, 8]);
    const hec = await send(failAll, '/services/collector', '{"event":"x"}');
    expect([hec.res.statusCode, hec.json, hec.res.headers?.['retry-after']]).toEqual([
      503,
      { text: 'Server is busy', code: 9 },
      '2',
    ]);
    const fh = await send(
      failAll,
      '/firehose',
      JSON.stringify({
        requestId: 'fh-9',
        timestamp: 1,
        records: [{ data: Buffer.from('x').toString('base64') }],
      }),
    );
    expect([fh.res.statusCode, fh.json.requestId, typeof fh.json.errorMessage]).toEqual([
      429,
      'fh-9',
      'string',
    ]);
  });

  it('ES bulk reports per-item 429 for exactly the documents whose envelope failed', async () => {
    // ~30 KB documents: two per 64 KiB envelope; the second envelope (documents 3 and 4) fails.
    const sink = flakySink((_e, i) => i === 1);
    const { app } = await memoryApp({ sink });
    const docs = Array.from({ length: 5 }, (_, i) =>
      JSON.stringify({ message: `doc ${i}`, pad: 'p'.repeat(30_000) }),
    );
    const body = `${docs.map((d) => `{"create":{"_index":"x"}}\n${d}`).join('\n')}\n`;
    const res = await app(apiEvent('POST', '/_bulk', { headers: auth, body }));
    const json = JSON.parse(res.body!);
    expect(res.statusCode).toBe(200);
    expect(json.errors).toBe(true);
    const statuses = json.items.map((i: { create: { status: number } }) => i.create.status);
    expect(statuses).toEqual([201, 201, 429, 429, 201]);
    const stored = sink.entries.flatMap((e) => decodeEnvelope(e.data)).map((r) => r.message);
    expect(stored).toEqual(['doc 0', 'doc 1', 'doc 4']);
  });

  it('oversized records: ES fails that item (413), OTLP answers partialSuccess; the rest is stored', async () => {
    const { app, records } = await memoryApp();
    const huge = 'h'.repeat(1_100_000);
    const bulk = `{"index":{"_index":"x"}}\n{"message":"fine"}\n{"index":{"_index":"x"}}\n{"message":"${huge}"}\n`;
    const es = JSON.parse((await app(apiEvent('POST', '/_bulk', { headers: auth, body: bulk }))).body!);
    expect(es.items.map((i: { index: { status: number } }) => i.index.status)).toEqual([201, 413]);
    const otlp = {
      resourceLogs: [
        { scopeLogs: [{ logRecords: [{ body: { stringValue: 'ok' } }, { body: { stringValue: huge } }] }] },
      ],
    };
    const res = await app(apiEvent('POST', '/v1/logs', { headers: auth, body: JSON.stringify(otlp) }));
    expect([res.statusCode, JSON.parse(res.body!).partialSuccess.rejectedLogRecords]).toEqual([200, '1']);
    expect(records().map((r) => r.message)).toEqual(['fine', 'ok']);
  });
});

describe('answers that would not fit a Lambda response (6 MB)', () => {
  const bulk = (n: number) =>
    Array.from({ length: n }, (_, i) => `{"create":{"_index":"x"}}\n{"message":"m${i}"}`).join('\n');

  it('a _bulk of 70,000 tiny documents: gzipped answer when accepted, else 413 before writing', async () => {
    const { app, records } = await memoryApp();
    const body = bulk(70_000);
    const refused = await app(apiEvent('POST', '/_bulk', { headers: auth, body }));
    expect([refused.statusCode, JSON.parse(refused.body!).error.reason]).toEqual([
      413,
      expect.stringMatching(/70000 actions would not fit/),
    ]);
    expect(records()).toHaveLength(0);

    const ok = await app(
      apiEvent('POST', '/_bulk', { headers: { ...auth, 'accept-encoding': 'gzip,deflate' }, body }),
    );
    expect([ok.statusCode, ok.isBase64Encoded, ok.headers?.['content-encoding']]).toEqual([
      200,
      true,
      'gzip',
    ]);
    expect(ok.body!.length).toBeLessThan(1_000_000);
    const { gunzipSync } = await import('node:zlib');
    const json = JSON.parse(gunzipSync(Buffer.from(ok.body!, 'base64')).toString());
    expect([json.errors, json.items.length]).toEqual([false, 70_000]);
    expect(records()).toHaveLength(70_000);
  });

  /** Bytes of the response as Lambda returns it: the body travels JSON-escaped inside the result document. */
  const lambdaBytes = (res: unknown) => Buffer.byteLength(JSON.stringify(res));
  const LAMBDA_LIMIT = 6_000_000;

  it('bounds the answer as if every item failed: 40,000 documents the stream refuses', async () => {
    let puts = 0;
    const sink: RecordSink = {
      put: async (entries) => {
        puts++;
        return { accepted: entries.map(() => false), failed: entries.length, throttled: true, calls: 1 };
      },
    };
    const { app } = await memoryApp({ sink });
    const body = bulk(40_000);
    const refused = await app(apiEvent('POST', '/_bulk', { headers: auth, body }));
    expect([refused.statusCode, puts]).toEqual([413, 0]);

    const ok = await app(
      apiEvent('POST', '/_bulk', { headers: { ...auth, 'accept-encoding': 'gzip' }, body }),
    );
    expect([ok.statusCode, ok.headers?.['content-encoding'], puts]).toEqual([200, 'gzip', 1]);
    expect(lambdaBytes(ok)).toBeLessThan(LAMBDA_LIMIT);
    const { gunzipSync } = await import('node:zlib');
    const json = JSON.parse(gunzipSync(Buffer.from(ok.body!, 'base64')).toString());
    expect(json.items.every((i: { create: { status: number } }) => i.create.status === 429)).toBe(true);
  });

  it('counts the bytes Lambda sends (UTF-8, escaped again), not characters', async () => {
    const { app, records } = await memoryApp();
    // 225 characters of `_index`, 600 bytes once Lambda has escaped the answer.
    const index = 'ж"'.repeat(75);
    const body = Array.from(
      { length: 15_000 },
      (_, i) => `{"create":{"_index":${JSON.stringify(index)}}}\n{"message":"m${i}"}`,
    ).join('\n');
    const refused = await app(apiEvent('POST', '/_bulk', { headers: auth, body }));
    expect([refused.statusCode, records().length]).toEqual([413, 0]);
    expect(lambdaBytes(refused)).toBeLessThan(LAMBDA_LIMIT);
    const ok = await app(
      apiEvent('POST', '/_bulk', { headers: { ...auth, 'accept-encoding': 'gzip' }, body }),
    );
    expect([ok.statusCode, ok.headers?.['content-encoding'], records().length]).toEqual([
      200,
      'gzip',
      15_000,
    ]);
    expect(lambdaBytes(ok)).toBeLessThan(LAMBDA_LIMIT);
  });

  it('whatever the size, an answer without gzip fits a Lambda response or is refused before writing', async () => {
    for (const n of [10_000, 25_000, 32_000]) {
      for (const sink of [undefined, flakySink(() => true)]) {
        const ctx = await memoryApp(sink ? { sink } : {});
        const res = await ctx.app(apiEvent('POST', '/_bulk', { headers: auth, body: bulk(n) }));
        if (res.statusCode === 413) expect((sink ?? ctx.sink).entries).toHaveLength(0);
        else expect([res.statusCode, lambdaBytes(res) < LAMBDA_LIMIT]).toEqual([200, true]);
      }
    }
  });

  it('the bound is never below the real answer, whether the stream takes the documents or not', async () => {
    const { bodyBytes } = await import('../../../shared/ingest/responses.ts');
    const { bulkResponseBound } = await import('../../../shared/ingest/protocols/es.ts');
    // Quotes, control characters and multi-byte text in index and id grow most once escaped.
    const body = Array.from(
      { length: 2_000 },
      (_, i) =>
        `{"create":{"_index":"x\\"\\u0001ж😀"${i % 2 ? `,"_id":"id\\"${i}"` : ''}}}\n{"message":"m${i}"}`,
    ).join('\n');
    for (const sink of [undefined, flakySink(() => true)]) {
      const { app } = await memoryApp(sink ? { sink } : {});
      const res = await app(apiEvent('POST', '/_bulk', { headers: auth, body }));
      expect(res.statusCode).toBe(200);
      const answer = JSON.parse(res.body!);
      const items = answer.items.map((i: { create: { _index: string; _id: string } }) => ({
        action: 'create',
        index: i.create._index,
        id: i.create._id,
        record: 0,
      }));
      const failure = {
        status: 429,
        type: 'es_rejected_execution_exception',
        reason: 'the stream did not accept the document in time; retry',
      };
      expect(answer.errors).toBe(sink !== undefined);
      expect(bulkResponseBound(items, failure)).toBeGreaterThanOrEqual(bodyBytes(res.body!));
    }
  });
});
