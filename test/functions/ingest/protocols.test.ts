import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { beforeEach, describe, expect, it } from 'vitest';
import type { LogRecord } from '../../../shared/record/record.ts';
import { apiEvent, bearer, KEYS, memoryApp } from '../../helpers/ingest.ts';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/ingest/${name}`, import.meta.url));
const auth = bearer(KEYS.acme);

let ctx: Awaited<ReturnType<typeof memoryApp>>;
beforeEach(async () => {
  ctx = await memoryApp();
});

async function post(path: string, body: string | Buffer, headers: Record<string, string> = {}, query = '') {
  const res = await ctx.app(apiEvent('POST', path, { headers: { ...auth, ...headers }, body, query }));
  const json = res.body && !res.isBase64Encoded ? JSON.parse(res.body) : undefined;
  return { res, json, records: ctx.records() };
}

const pick = (r: LogRecord) => ({ service: r.service, level: r.level, message: r.message });

describe('POST /ingest reads every generic shipper format', () => {
  it('NDJSON with CRLF, blank lines, text lines and no trailing newline', async () => {
    const { res, json, records } = await post('/ingest', fixture('ndjson.ndjson'));
    expect(res.statusCode).toBe(200);
    expect(json).toEqual({ accepted: 4 });
    expect(records.map(pick)).toEqual([
      { service: 'checkout', level: 'info', message: 'order placed' },
      { service: 'unknown', level: 'warn', message: 'slow query' },
      { service: 'unknown', level: 'info', message: 'plain text line from a legacy app' },
      { service: 'unknown', level: 'error', message: 'last line without newline' },
    ]);
    expect(records[0]!.attributes).toEqual({ order: { id: 'A-1001', total: 42.5 } });
    expect(records[1]!.timestamp).toBe(1_795_000_000_123);
    expect(
      records.every((r) => r.tenant === 'acme' && r.region === 'eu' && r.ingest.protocol === 'ndjson'),
    ).toBe(true);
    expect(new Set(records.map((r) => r.ingest.id)).size).toBe(4);
  });

  it('Vector JSON array and NDJSON without trailing newline', async () => {
    const a = await post('/ingest', fixture('vector-array.json'));
    expect(a.records.map((r) => [r.message, r.timestamp, r.attributes['source_type']])).toEqual([
      ['GET /cart 200', Date.parse('2026-11-20T10:00:01.250Z'), 'file'],
      ['GET /checkout 500', Date.parse('2026-11-20T10:00:02.500Z'), 'file'],
    ]);
    const b = await post('/ingest', fixture('vector.ndjson'));
    expect(b.records.slice(2).map((r) => r.message)).toEqual(['vector line one', 'vector line two']);
  });

  it('Fluent Bit json (float epoch date), json_lines (iso8601) and json_stream (concatenated)', async () => {
    const a = await post('/ingest', fixture('fluentbit-json.json'));
    expect(a.records.map((r) => [r.timestamp, r.message])).toEqual([
      [1_795_000_000_125, 'container started'],
      [1_795_000_001_500, 'listening on :8080'],
    ]);
    expect(a.records[0]!.attributes['kubernetes']).toMatchObject({ pod_name: 'api-7d9f' });
    const b = await post('/ingest', fixture('fluentbit-json-lines.ndjson'));
    expect(b.records.slice(2).map((r) => r.timestamp)).toEqual([
      Date.parse('2026-11-20T10:00:05Z'),
      Date.parse('2026-11-20T10:00:06Z'),
    ]);
    const c = await post('/ingest', fixture('fluentbit-json-stream.txt'));
    expect(c.records.slice(4).map((r) => [r.message, r.timestamp])).toEqual([
      ['stream one', 1_795_000_010_000],
      ['stream two', 1_795_000_011_000],
      ['stream three', Date.parse('2026-11-20T10:00:12Z')],
    ]);
    expect(c.records[5]!.attributes).toEqual({ nested: { brace: '}{' } });
  });

  it('syslog RFC 5424 and 3164: level from PRI, service from APP-NAME/tag, structured data kept', async () => {
    const { records } = await post('/ingest', fixture('syslog.txt'));
    expect(records.map(pick)).toEqual([
      { service: 'evntslog', level: 'info', message: 'An application event log entry' },
      { service: 'su', level: 'fatal', message: 'su root failed for lonvick on /dev/pts/8' },
      { service: 'billing', level: 'error', message: 'payment provider unreachable' },
    ]);
    expect(records[0]!.attributes).toEqual({
      facility: 20,
      host: 'mymachine.example.com',
      procid: '1234',
      msgid: 'ID47',
      structuredData: { 'exampleSDID@32473': { iut: '3', eventSource: 'Application', eventID: '1011' } },
    });
    expect(records[0]!.timestamp).toBe(Date.parse('2026-11-20T10:00:07.003Z'));
    expect(records[1]!.attributes).toEqual({ facility: 4, host: 'mymachine', procid: '230' });
    expect(records.every((r) => r.ingest.protocol === 'syslog')).toBe(true);
  });

  it('plain text lines become messages', async () => {
    const { records } = await post('/ingest', fixture('text.txt'), { 'content-type': 'text/plain' });
    expect(records.map((r) => r.message)).toEqual([
      'Nov 20 10:00:09 kernel: eth0 link up',
      'worker 3 finished job 991 in 12ms',
    ]);
  });

  it('a line of balanced braces that is not JSON is a text line (/ingest, HEC raw, Firehose records)', async () => {
    const lines = ["{'a': 1} {'b': 2}", '{user}{login}', '{"a":1}{"v":NaN}'];
    const a = await post('/ingest', `worker started\n${lines.join('\n')}\n`);
    expect([a.res.statusCode, a.json]).toEqual([200, { accepted: 4 }]);
    expect(a.records.map((r) => r.message)).toEqual(['worker started', ...lines]);
    const raw = await post('/services/collector/raw', `${lines[0]}\n`, {
      authorization: `Splunk ${KEYS.acme}`,
    });
    expect(raw.res.statusCode).toBe(200);
    const delivery = {
      requestId: 'r-text',
      timestamp: 1,
      records: [{ data: Buffer.from(lines[1]!).toString('base64') }],
    };
    const fh = await post('/firehose', JSON.stringify(delivery), { 'x-amz-firehose-request-id': 'r-text' });
    expect(fh.res.statusCode).toBe(200);
    expect(fh.records.slice(4).map((r) => r.message)).toEqual([lines[0], lines[1]]);
  });

  it('reads a body as Firehose or OTLP only when it is one, whatever fields an ordinary log carries', async () => {
    const one = await post('/ingest', '{"requestId":"abc-123","msg":"batch done","records":[{"id":1}]}');
    expect([one.res.statusCode, one.json]).toEqual([200, { accepted: 1 }]);
    expect(one.records[0]).toMatchObject({
      message: 'batch done',
      attributes: { requestId: 'abc-123', records: [{ id: 1 }] },
      ingest: { protocol: 'json' },
    });
    const lines = await post(
      '/ingest',
      '{"requestId":"r1","message":"a"}\n{"requestId":"r2","records":[1,2]}\n',
    );
    expect([lines.res.statusCode, lines.json]).toEqual([200, { accepted: 2 }]);
    const count = await post('/ingest', '{"requestId":"r1","level":"info","message":"done","records":3}');
    expect([count.res.statusCode, count.json]).toEqual([200, { accepted: 1 }]);
    const otlpLike = await post('/ingest', '{"resourceLogs":"none configured","message":"boot"}');
    expect([otlpLike.res.statusCode, otlpLike.json]).toEqual([200, { accepted: 1 }]);
    expect(
      ctx
        .records()
        .slice(1)
        .map((r) => r.message),
    ).toEqual(['a', '', 'done', 'boot']);
    // A real Firehose delivery posted to /ingest is still unpacked.
    const delivery = {
      requestId: 'r-fh',
      timestamp: 1,
      records: [{ data: Buffer.from('from firehose').toString('base64') }],
    };
    const fh = await post('/ingest', JSON.stringify(delivery));
    expect([fh.res.statusCode, fh.records.at(-1)?.message, fh.records.at(-1)?.ingest.protocol]).toEqual([
      200,
      'from firehose',
      'firehose',
    ]);
  });

  it('sniffs the body whatever Content-Type says (JSON sent as text/plain, OTLP sent to /ingest)', async () => {
    await post('/ingest', '{"message":"typed as text"}', { 'content-type': 'text/plain' });
    await post('/ingest', fixture('otlp.json'), { 'content-type': 'application/x-ndjson' });
    const records = ctx.records();
    expect(records[0]!.message).toBe('typed as text');
    expect(records[1]).toMatchObject({ service: 'payments', level: 'error', message: 'charge declined' });
  });
});

describe('POST /v1/logs (OTLP/HTTP JSON)', () => {
  it('maps body, severity, resource and scope attributes, trace context', async () => {
    const { res, json, records } = await post('/v1/logs', fixture('otlp.json'), {
      'content-type': 'application/json',
    });
    expect(res.statusCode).toBe(200);
    expect(json).toEqual({});
    expect(records[0]).toMatchObject({
      timestamp: 1_795_000_000_123,
      service: 'payments',
      level: 'error',
      message: 'charge declined',
      attributes: {
        'http.status_code': 402,
        retry: false,
        amounts: [9.99, 3],
        resource: { 'service.name': 'payments', 'deployment.environment': 'prod' },
        scope: { name: 'payments.logger', version: '1.2.0' },
        traceId: '5b8efff798038103d269b633813fc60c',
        spanId: 'eee19b7ec3c1b174',
      },
      ingest: { protocol: 'otlp' },
    });
    expect(records[1]).toMatchObject({ level: 'info', message: '{"event":"refund","count":2}' });
  });

  it('answers unreadable protobuf with 400 in protobuf, and bad JSON with 400 in the OTLP JSON status shape', async () => {
    const a = await post('/v1/logs', Buffer.from([0x0a, 0x05, 0x0a, 0xff, 0xff, 0xff, 0x0f]), {
      'content-type': 'application/x-protobuf',
    });
    expect([a.res.statusCode, a.res.headers?.['content-type']]).toEqual([400, 'application/x-protobuf']);
    const b = await post('/v1/logs', '{"resourceLogs":', { 'content-type': 'application/json' });
    expect(b.res.statusCode).toBe(400);
    expect(b.json).toEqual({ code: 3, message: expect.stringMatching(/not valid JSON/) });
  });
});

describe('Splunk HEC', () => {
  it('concatenated events: event string or object, time, host/source/sourcetype/index, fields', async () => {
    const { res, json, records } = await post('/services/collector/event', fixture('hec-event.json'));
    expect(res.statusCode).toBe(200);
    expect(json).toEqual({ text: 'Success', code: 0 });
    expect(records.map((r) => [r.message, r.timestamp])).toEqual([
      ['user signed in', 1_795_000_000_500],
      ['plain string event', 1_795_000_001_250],
      ['third event, no separator', records[2]!.ingest.receivedAt],
    ]);
    expect(records[0]!.attributes).toMatchObject({
      user_id: 42,
      host: 'app-1',
      sourcetype: 'app:json',
      index: 'main',
      fields: { env: 'prod', dc: ['a', 'b'] },
    });
    expect(records[1]!.service).toBe('checkout');
  });

  it('answers HEC codes: 5 no data, 12 event required, 13 blank, 6 invalid with the event number', async () => {
    const cases: [string, number, object][] = [
      ['', 400, { code: 5 }],
      ['{"event":"ok"}{"time":1}', 400, { code: 12, 'invalid-event-number': 1 }],
      ['{"event":"  "}', 400, { code: 13, 'invalid-event-number': 0 }],
      ['{"event":"ok"}{"event":', 400, { code: 6, 'invalid-event-number': 1 }],
      ['{"event":"ok"} 42', 400, { code: 6, 'invalid-event-number': 1 }],
    ];
    for (const [body, status, shape] of cases) {
      const { res, json } = await post('/services/collector', body);
      expect([res.statusCode, json]).toEqual([status, expect.objectContaining(shape)]);
    }
    expect(ctx.records()).toEqual([]);
  });

  it('raw endpoint: lines, service from the query; health endpoint answers code 17', async () => {
    const { records } = await post('/services/collector/raw', fixture('hec-raw.txt'), {}, 'sourcetype=nginx');
    expect(records.map(pick)).toEqual([
      { service: 'nginx', level: 'info', message: 'raw line one' },
      { service: 'nginx', level: 'warn', message: 'raw json line' },
    ]);
    const health = await ctx.app(apiEvent('GET', '/services/collector/health'));
    expect(JSON.parse(health.body!)).toEqual({ text: 'HEC is healthy', code: 17 });
  });
});

describe('Elasticsearch _bulk', () => {
  it('index/create pairs, _index kept and used as service, items in order with X-Elastic-Product', async () => {
    const { res, json, records } = await post('/app-logs/_bulk', fixture('es-bulk.ndjson'), {
      'content-type': 'application/x-ndjson',
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers?.['x-elastic-product']).toBe('Elasticsearch');
    expect(json.errors).toBe(false);
    expect(
      json.items.map((i: Record<string, { _index: string; status: number }>) => Object.entries(i)[0]),
    ).toEqual([
      ['index', expect.objectContaining({ _index: 'app-logs', _id: 'doc-1', status: 201 })],
      ['create', expect.objectContaining({ _index: 'audit', status: 201 })],
      ['create', expect.objectContaining({ _index: 'app-logs', status: 201 })],
    ]);
    expect(records.map((r) => [r.service, r.level, r.attributes['_index']])).toEqual([
      ['search', 'info', 'app-logs'],
      ['audit', 'warn', 'audit'],
      ['app-logs', 'info', 'app-logs'],
    ]);
  });

  it('fails single items (bad document, delete) with ES item errors and keeps the rest', async () => {
    const body = [
      '{"index":{"_index":"a"}}',
      '{"message":"good"}',
      '{"index":{"_index":"a"}}',
      'not json',
      '{"delete":{"_index":"a","_id":"1"}}',
      '{"create":{"_index":"a"}}',
      '{"message":"also good"}',
      '',
    ].join('\n');
    const { json, records } = await post('/_bulk', body);
    expect(json.errors).toBe(true);
    expect(json.items.map((i: Record<string, { status: number }>) => Object.values(i)[0]!.status)).toEqual([
      201, 400, 400, 201,
    ]);
    expect(records.map((r) => r.message)).toEqual(['good', 'also good']);
  });

  it('GET / returns the version body clients check, HEAD / no body, GET /_license', async () => {
    const root = await ctx.app(apiEvent('GET', '/'));
    expect(root.headers?.['x-elastic-product']).toBe('Elasticsearch');
    expect(JSON.parse(root.body!)).toMatchObject({
      version: { number: expect.stringMatching(/^8\./), build_flavor: 'default' },
      tagline: 'You Know, for Search',
    });
    const head = await ctx.app(apiEvent('HEAD', '/'));
    expect([head.statusCode, head.body, head.headers?.['x-elastic-product']]).toEqual([
      200,
      '',
      'Elasticsearch',
    ]);
    const license = await ctx.app(apiEvent('GET', '/_license'));
    expect(JSON.parse(license.body!).license.status).toBe('active');
    expect(license.headers?.['x-elastic-product']).toBe('Elasticsearch');
  });
});

describe('Firehose HTTP endpoint delivery', () => {
  it('decodes records, unpacks CloudWatch Logs payloads, drops control messages, echoes requestId', async () => {
    const doc = JSON.parse(fixture('firehose.json').toString());
    const { res, json, records } = await post('/firehose', fixture('firehose.json'), {
      'x-amz-firehose-request-id': doc.requestId,
      'x-amz-firehose-access-key': KEYS.acme,
      authorization: '',
    });
    expect(res.statusCode).toBe(200);
    expect(json).toEqual({ requestId: doc.requestId, timestamp: expect.any(Number) });
    expect(records.map(pick)).toEqual([
      { service: 'unknown', level: 'info', message: 'firehose plain json' },
      { service: 'checkout', level: 'info', message: 'START RequestId: 1 Version: $LATEST' },
      { service: 'checkout', level: 'error', message: 'cart service timeout' },
      { service: 'unknown', level: 'info', message: 'firehose text line' },
    ]);
    expect(records[2]!.attributes).toMatchObject({ logGroup: '/aws/lambda/checkout', cart: 7 });
    expect(records.some((r) => r.message.includes('CONTROL MESSAGE'))).toBe(false);
    // Firehose keeps the request id across retries: record ids derived from it make a retry recognisable.
    const digest = createHash('sha256').update(doc.requestId).digest('hex').slice(0, 32);
    expect(records[0]!.ingest.id).toBe(`fh-${digest}-0`);
    // The header is client-controlled and ingest ids are stored unmasked: only its digest may reach a record.
    const leaky = await post('/firehose', fixture('firehose.json'), {
      'x-amz-firehose-request-id': 'jane.doe@example.com',
      'x-amz-firehose-access-key': KEYS.acme,
      authorization: '',
    });
    expect(JSON.stringify(leaky.records)).not.toContain('jane.doe');
  });

  it('adds the delivery stream common attributes to every record (the record own fields win)', async () => {
    const body = JSON.stringify({
      requestId: 'r-common',
      timestamp: 1,
      records: [{ data: Buffer.from('{"message":"a","env":"mine"}').toString('base64') }],
    });
    const { records } = await post('/firehose', body, {
      'x-amz-firehose-common-attributes': '{"commonAttributes":{"env":"prod","team":"payments"}}',
    });
    expect(records[0]!.attributes).toEqual({ env: 'mine', team: 'payments' });
  });
});

describe('decoding', () => {
  it('gzip (also multi-member) and deflate by Content-Encoding; gzip sniffed without the header', async () => {
    const members = Buffer.concat([gzipSync('{"message":"one"}\n'), gzipSync('{"message":"two"}\n')]);
    await post('/ingest', members, { 'content-encoding': 'gzip' });
    const { deflateSync } = await import('node:zlib');
    await post('/ingest', deflateSync('deflated line'), { 'content-encoding': 'deflate' });
    await post('/ingest', gzipSync('sniffed gzip line'));
    expect(ctx.records().map((r) => r.message)).toEqual(['one', 'two', 'deflated line', 'sniffed gzip line']);
  });

  it('replaces invalid UTF-8 with U+FFFD instead of refusing the batch', async () => {
    const { res, records } = await post('/ingest', Buffer.from([0x6f, 0x6b, 0xff, 0xfe, 0x21]));
    expect(res.statusCode).toBe(200);
    expect(records[0]!.message).toBe('ok\uFFFD\uFFFD!');
  });
});

describe('routing and the order of checks', () => {
  it('unknown routes → 404 JSON, wrong methods → 405 with Allow, GET /health', async () => {
    const nf = await ctx.app(apiEvent('POST', '/nope'));
    expect([nf.statusCode, JSON.parse(nf.body!).error]).toEqual([404, 'notFound']);
    const na = await ctx.app(apiEvent('GET', '/ingest'));
    expect([na.statusCode, na.headers?.['allow']]).toEqual([405, 'POST']);
    const health = await ctx.app(apiEvent('GET', '/health'));
    expect(JSON.parse(health.body!)).toEqual({ status: 'ok', region: 'eu' });
  });

  it('checks the key before decoding anything: a bomb or garbage with a bad key gets 401, not 413/400', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    for (const [body, headers] of [
      [bomb, { 'content-encoding': 'gzip' }],
      ['{"resourceLogs":', {}],
    ] as const) {
      const res = await ctx.app(
        apiEvent('POST', '/v1/logs', { headers: { authorization: 'Bearer wrong', ...headers }, body }),
      );
      expect(res.statusCode).toBe(401);
    }
    expect(ctx.records()).toEqual([]);
  });
});
