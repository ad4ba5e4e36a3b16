import { readFileSync } from 'node:fs';
import { brotliCompressSync, constants, deflateSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import snappy from 'snappyjs';
import { describe, expect, it } from 'vitest';
import { google, logproto, opentelemetry } from '../../../shared/ingest/protocols/generated/wire.js';
import { decodeEnvelope } from '../../../shared/record/envelope.ts';
import { apiEvent, bearer, KEYS, memoryApp } from '../../helpers/ingest.ts';
import { otlpJsonToProtobuf } from '../../helpers/otlp-proto.ts';

/**
 * Hostile input: whatever arrives, the handler answers (never throws), never with 5xx, always with a JSON body
 * (or none for HEAD), and whatever it accepted decodes from the envelopes it wrote.
 */

const POST_ROUTES = [
  '/ingest',
  '/v1/logs',
  '/services/collector/event',
  '/services/collector',
  '/services/collector/raw',
  '/_bulk',
  '/logs-x/_bulk',
  '/firehose',
  '/loki/api/v1/push',
  '/api/v2/logs',
  '/v1/input',
] as const;

const OTLP_PROTO = otlpJsonToProtobuf(
  JSON.parse(readFileSync(new URL('../../fixtures/ingest/otlp.json', import.meta.url), 'utf8')),
);
const LOKI_PROTO = logproto.PushRequest.encode({
  streams: [
    {
      labels: '{app="api", level="info"}',
      entries: [
        {
          timestamp: { seconds: 1_795_000_000, nanos: 5 },
          line: 'l1',
          structuredMetadata: [{ name: 'k', value: 'v' }],
        },
      ],
    },
  ],
}).finish();

const app = await memoryApp({ limits: { maxRecords: 5_000 } });
const seen = new Map<number, number>();

const { ExportLogsServiceResponse } = opentelemetry.proto.collector.logs.v1;

async function check(
  path: string,
  body: Buffer | string,
  headers: Record<string, string> = {},
  text = false,
) {
  const before = app.sink.entries.length;
  const res = await app.app(
    apiEvent('POST', path, {
      headers: { ...bearer(KEYS.acme), 'x-amz-firehose-access-key': KEYS.acme, ...headers },
      body,
      text,
    }),
  );
  expect(res.statusCode).toBeGreaterThanOrEqual(200);
  expect(res.statusCode).toBeLessThan(500);
  if (res.headers?.['content-type'] === 'application/x-protobuf') {
    // Protobuf answers: a google.rpc.Status on errors, an ExportLogsServiceResponse on success.
    const bytes = Buffer.from(res.body ?? '', 'base64');
    const status = (res.statusCode ?? 0) >= 400 ? google.rpc.Status.decode(bytes) : undefined;
    if (status) expect(status.message).not.toMatch(/\n\s+at /);
    else expect(() => ExportLogsServiceResponse.decode(bytes)).not.toThrow();
  } else if (String(res.headers?.['content-type'] ?? '').startsWith('application/json')) {
    expect(() => JSON.parse(res.body ?? '')).not.toThrow();
  } else {
    // Loki answers 204 with no body, errors as one line of text.
    if (res.statusCode === 204) expect(res.body).toBe('');
    else expect(res.headers?.['content-type']).toMatch(/^text\/plain/);
  }
  expect(res.body).not.toMatch(/\n\s+at /); // no stack trace
  const status = res.statusCode ?? 0;
  seen.set(status, (seen.get(status) ?? 0) + 1);
  for (const e of app.sink.entries.slice(before)) expect(decodeEnvelope(e.data).length).toBeGreaterThan(0);
  // Keep memory flat over 10,000 runs.
  app.sink.entries.length = 0;
  return res;
}

const anyValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.record({ stringValue: fc.string() }),
    fc.record({ intValue: fc.oneof(fc.integer(), fc.bigInt().map(String), fc.string()) }),
    fc.record({ doubleValue: fc.oneof(fc.double(), fc.string()) }),
    fc.record({ boolValue: fc.anything() }),
    fc.record({ arrayValue: fc.record({ values: fc.array(tie('value'), { maxLength: 3 }) }) }),
    fc.record({
      kvlistValue: fc.record({
        values: fc.array(fc.record({ key: fc.string(), value: tie('value') }), { maxLength: 3 }),
      }),
    }),
    fc.anything(),
  ),
})).value;

const otlpBody = fc
  .record({
    resourceLogs: fc.array(
      fc.record(
        {
          resource: fc.record({ attributes: fc.array(fc.record({ key: fc.string(), value: anyValue })) }),
          scopeLogs: fc.array(
            fc.record(
              {
                scope: fc.anything(),
                logRecords: fc.array(
                  fc.record(
                    {
                      timeUnixNano: fc.oneof(fc.string(), fc.double(), fc.bigInt().map(String)),
                      severityNumber: fc.oneof(fc.integer(), fc.string()),
                      severityText: fc.anything(),
                      body: anyValue,
                      attributes: fc.oneof(
                        fc.array(fc.record({ key: fc.string(), value: anyValue })),
                        fc.anything(),
                      ),
                      traceId: fc.anything(),
                    },
                    { requiredKeys: [] },
                  ),
                  { maxLength: 4 },
                ),
              },
              { requiredKeys: [] },
            ),
            { maxLength: 3 },
          ),
        },
        { requiredKeys: [] },
      ),
      { maxLength: 3 },
    ),
  })
  .map((d) => JSON.stringify(d));

const jsonLine = fc.oneof(
  fc.json(),
  fc.string(),
  fc.jsonValue().map((v) => JSON.stringify(v)),
);
const lines = fc
  .tuple(fc.array(jsonLine, { maxLength: 8 }), fc.constantFrom('\n', '\r\n', '', ' '))
  .map(([ls, sep]) => ls.join(sep));
const hecBody = fc
  .array(
    fc.record(
      {
        event: fc.oneof(fc.string(), fc.jsonValue()),
        time: fc.anything(),
        fields: fc.anything(),
        host: fc.anything(),
      },
      { requiredKeys: [] },
    ),
    { maxLength: 5 },
  )
  .map((evs) => evs.map((e) => JSON.stringify(e)).join(''));
const bulkBody = fc
  .array(
    fc.tuple(
      fc.oneof(
        fc
          .constantFrom('index', 'create', 'delete', 'update')
          .map((a) => JSON.stringify({ [a]: { _index: 'i' } })),
        fc.json(),
      ),
      fc.oneof(fc.json(), fc.string()),
    ),
    { maxLength: 5 },
  )
  .map((pairs) => pairs.flat().join('\n'));
const firehoseBody = fc
  .record({
    requestId: fc.oneof(fc.string(), fc.anything()),
    timestamp: fc.anything(),
    records: fc.array(
      fc.oneof(
        fc.record({ data: fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('base64')) }),
        fc.record({ data: lines.map((l) => gzipSync(l).toString('base64')) }),
        fc.record({
          data: fc
            .record({
              messageType: fc.constantFrom('DATA_MESSAGE', 'CONTROL_MESSAGE'),
              logEvents: fc.anything(),
            })
            .map((c) => gzipSync(JSON.stringify(c)).toString('base64')),
        }),
        fc.anything(),
      ),
      { maxLength: 4 },
    ),
  })
  .map((d) => JSON.stringify(d));

const bodyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  lines,
  otlpBody,
  hecBody,
  bulkBody,
  firehoseBody,
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.constantFrom(
    '',
    ' ',
    '\n',
    '{',
    '[',
    '<13>',
    '<999>1 - - - - - -',
    '{"resourceLogs":5}',
    '{"requestId":"x","records":[1]}',
  ),
);

const encoded = fc.oneof(
  bodyText.map((t) => ({ body: Buffer.from(t), encoding: undefined as string | undefined })),
  bodyText.map((t) => ({ body: gzipSync(t), encoding: 'gzip' as string | undefined })),
  bodyText.map((t) => ({ body: deflateSync(t), encoding: 'deflate' as string | undefined })),
  bodyText.map((t) => ({
    body: brotliCompressSync(t, { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } }),
    encoding: 'br' as string | undefined,
  })),
  bodyText.map((t) => ({ body: gzipSync(t), encoding: undefined as string | undefined })),
  fc.uint8Array({ maxLength: 400 }).map((b) => ({
    body: Buffer.from(b),
    encoding: undefined as string | undefined,
  })),
  // Binary protocols: snappy blocks of anything (Loki), valid protobuf cut or flipped anywhere (OTLP, Loki).
  fc.uint8Array({ maxLength: 300 }).map((b) => ({
    body: Buffer.from(snappy.compress(b)),
    encoding: undefined as string | undefined,
  })),
  fc.tuple(fc.nat(), fc.nat(), fc.boolean()).map(([cut, flip, loki]) => {
    const proto = loki ? LOKI_PROTO : OTLP_PROTO;
    const b = Buffer.from(proto.subarray(0, cut % (proto.length + 1)));
    if (b.length > 0) b[flip % b.length] = b[flip % b.length]! ^ (1 << (flip % 8));
    return { body: loki ? Buffer.from(snappy.compress(b)) : b, encoding: undefined as string | undefined };
  }),
  fc
    .tuple(
      fc.uint8Array({ maxLength: 100 }),
      fc.constantFrom('gzip', 'deflate', 'br', 'zstd', 'gzip, gzip', ''),
    )
    .map(([b, e]) => ({ body: Buffer.from(b), encoding: e as string | undefined })),
);

describe('fuzz: generated bodies on every route', () => {
  it('never throws and never answers 5xx (10,000 bodies)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...POST_ROUTES),
        encoded,
        fc.constantFrom(
          undefined,
          'application/json',
          'application/x-ndjson',
          'text/plain',
          'application/x-protobuf',
          'application/msgpack',
          'application/x-www-form-urlencoded',
        ),
        fc.boolean(),
        async (path, { body, encoding }, contentType, asText) => {
          const headers: Record<string, string> = {};
          if (encoding !== undefined) headers['content-encoding'] = encoding;
          if (contentType) headers['content-type'] = contentType;
          // API Gateway passes text bodies as strings: exercise that path for uncompressed UTF-8 too.
          const text = asText && encoding === undefined && !body.includes(0);
          await check(path, text ? body.toString('utf8') : body, headers, text);
        },
      ),
      { numRuns: 10_000 },
    );
    // The generators must reach both the accepting and the refusing paths, or the property proves little.
    expect(seen.get(200) ?? 0).toBeGreaterThan(1_000);
    expect(seen.get(400) ?? 0).toBeGreaterThan(1_000);
    expect([...seen.keys()].sort()).toEqual(expect.arrayContaining([200, 400, 415]));
  }, 120_000);
});

describe('crafted hostile bodies', () => {
  const every = async (body: Buffer | string, headers: Record<string, string> = {}) => {
    const statuses: number[] = [];
    for (const path of POST_ROUTES) statuses.push((await check(path, body, headers)).statusCode ?? 0);
    return statuses;
  };

  it('decompression bomb (1 GiB of zeros in ~1 MB of gzip) → 413 on every route', async () => {
    const chunk = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    const bomb = Buffer.concat(Array.from({ length: 16 }, () => chunk));
    expect(await every(bomb, { 'content-encoding': 'gzip' })).toEqual(POST_ROUTES.map(() => 413));
  });

  it('11 MB body → 413 before anything is decoded', async () => {
    expect(await every(Buffer.alloc(11 * 1024 * 1024, 0x7b))).toEqual(POST_ROUTES.map(() => 413));
  });

  it('binary traps: huge varints, truncated frames, deep kvlists, snappy bombs → 4xx in the protocol shape', async () => {
    const proto = { 'content-type': 'application/x-protobuf' };
    const varint = Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    const truncated = OTLP_PROTO.subarray(0, OTLP_PROTO.length - 5);
    for (const body of [varint, Buffer.from(truncated)]) {
      expect((await check('/v1/logs', body, proto)).statusCode).toBe(400);
      expect((await check('/loki/api/v1/push', Buffer.from(snappy.compress(body)), proto)).statusCode).toBe(
        400,
      );
    }
    // 3,000 nested kvlists inside one attribute value (the decoder unit test goes to 10,000).
    let value: Buffer = Buffer.from([0x0a, 0x01, 0x78]); // AnyValue{stringValue:"x"}
    for (let i = 0; i < 3_000; i++) {
      const kv = Buffer.concat([Buffer.from([0x0a, 0x01, 0x6b, 0x12]), len(value), value]);
      const list = Buffer.concat([Buffer.from([0x0a]), len(kv), kv]);
      value = Buffer.concat([Buffer.from([0x32]), len(list), list]);
    }
    const attr = Buffer.concat([Buffer.from([0x0a, 0x01, 0x61, 0x12]), len(value), value]);
    const lr = Buffer.concat([Buffer.from([0x32]), len(attr), attr]);
    const sl = Buffer.concat([Buffer.from([0x12]), len(lr), lr]);
    const rl = Buffer.concat([Buffer.from([0x12]), len(sl), sl]);
    const deep = await check('/v1/logs', Buffer.concat([Buffer.from([0x0a]), len(rl), rl]), proto);
    expect(deep.statusCode).toBe(400);
    // A snappy block claiming 256 MiB of output: refused from its header, nothing allocated.
    const bomb = Buffer.from([0xff, 0xff, 0xff, 0x7f, 0x00]);
    expect((await check('/loki/api/v1/push', bomb, proto)).statusCode).toBe(413);
  });

  it('truncated gzip → 400 naming it', async () => {
    const truncated = gzipSync('{"message":"cut"}\n'.repeat(100)).subarray(0, 40);
    const res = await check('/ingest', truncated, { 'content-encoding': 'gzip' });
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body!).message).toMatch(/corrupt or truncated/);
  });

  it('deep nesting (100k levels), balanced or not, is refused or kept as text, never crashes', async () => {
    const open = '['.repeat(100_000);
    for (const body of [
      open,
      `${open}${']'.repeat(100_000)}`,
      `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`,
    ]) {
      const statuses = await every(body);
      expect(statuses.every((s) => s < 500)).toBe(true);
    }
    const res = await check('/ingest', `${'{"a":'.repeat(1000)}1${'}'.repeat(1000)}`);
    expect([res.statusCode, JSON.parse(res.body!).message]).toEqual([
      400,
      expect.stringMatching(/nested deeper/),
    ]);
  });

  it('a huge single line: 900 KB accepted, 3 MB refused with 413 naming the record', async () => {
    const ok = await check('/ingest', 'x'.repeat(900_000));
    expect(ok.statusCode).toBe(200);
    const big = await check('/ingest', 'y'.repeat(3_000_000));
    expect(big.statusCode).toBe(413);
    expect(JSON.parse(big.body!).message).toMatch(/record 1/);
  });

  it('empty body → 4xx on every route (OTLP/HEC/ES/Firehose shapes)', async () => {
    const statuses = await every('');
    expect(statuses.every((s) => s === 400)).toBe(true);
  });

  it('wrong content types are sniffed past, unknown encodings → 415', async () => {
    const res = await check('/ingest', '{"message":"json as form"}', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(res.statusCode).toBe(200);
    const zstd = await check('/ingest', 'abc', { 'content-encoding': 'zstd' });
    expect(zstd.statusCode).toBe(415);
  });

  it('more records than the per-request cap → 413', async () => {
    const res = await check('/ingest', 'line\n'.repeat(5_001));
    expect([res.statusCode, JSON.parse(res.body!).message]).toEqual([
      413,
      expect.stringMatching(/more than 5000/),
    ]);
  });
});

function len(b: Uint8Array): Buffer {
  const out: number[] = [];
  let n = b.length;
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return Buffer.from(out);
}
