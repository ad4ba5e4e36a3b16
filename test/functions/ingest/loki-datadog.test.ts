import { deflateSync, gzipSync } from 'node:zlib';
import snappy from 'snappyjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logproto } from '../../../shared/ingest/protocols/generated/wire.js';
import type { LogRecord } from '../../../shared/record/record.ts';
import {
  apiEvent,
  flakySink,
  type IngestStack,
  KEYS,
  memoryApp,
  startIngestStack,
} from '../../helpers/ingest.ts';

/** Loki and Datadog bodies as their shippers send them, over HTTP into kinesalite. */

let stack: IngestStack;
beforeAll(async () => {
  stack = await startIngestStack();
});
afterAll(async () => {
  await stack?.close();
});

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const post = (path: string, body: Uint8Array | string, headers: Record<string, string>) =>
  fetch(`${stack.url}${path}`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : Buffer.from(body),
  });
const landed = async (match: (r: LogRecord) => boolean) => (await stack.records()).filter(match);

/** A snappy-compressed protobuf PushRequest, as Promtail, Alloy and Vector send it. */
function lokiProtobuf(streams: logproto.IStreamAdapter[]): Uint8Array {
  return snappy.compress(logproto.PushRequest.encode({ streams }).finish());
}

describe('Loki push API (POST /loki/api/v1/push)', () => {
  it('snappy protobuf: labels → attributes and service/level, structured metadata, ns timestamps; 204', async () => {
    const body = lokiProtobuf([
      {
        labels: '{service_name="cart", env="prod", level="warn", note="a \\"quoted\\" value"}',
        entries: [
          {
            timestamp: { seconds: 1_795_000_000, nanos: 123_456_789 },
            line: 'loki proto line 1',
            structuredMetadata: [{ name: 'trace_id', value: 'abc123' }],
          },
          { timestamp: { seconds: 1_795_000_001, nanos: 0 }, line: 'loki proto line 2' },
        ],
      },
      {
        labels: '{job="batch"}',
        entries: [{ timestamp: { seconds: 1_795_000_002 }, line: 'loki proto line 3' }],
      },
    ]);
    const res = await post('/loki/api/v1/push', body, {
      'content-type': 'application/x-protobuf',
      authorization: basic('loki', KEYS.acme),
      'x-scope-orgid': 'globex',
    });
    expect([res.status, await res.text()]).toEqual([204, '']);
    const records = await landed((r) => r.message.startsWith('loki proto line'));
    expect(records.map((r) => r.message).sort()).toEqual([
      'loki proto line 1',
      'loki proto line 2',
      'loki proto line 3',
    ]);
    const one = records.find((r) => r.message === 'loki proto line 1')!;
    expect(one).toMatchObject({
      tenant: 'acme',
      service: 'cart',
      level: 'warn',
      timestamp: 1_795_000_000_123,
      attributes: {
        service_name: 'cart',
        env: 'prod',
        note: 'a "quoted" value',
        structuredMetadata: { trace_id: 'abc123' },
      },
      ingest: { protocol: 'loki' },
    });
    expect(records.find((r) => r.message === 'loki proto line 3')).toMatchObject({ service: 'batch' });
  });

  it('JSON form, gzip too: three-element values keep structured metadata; Bearer auth', async () => {
    const doc = {
      streams: [
        {
          stream: { app: 'web', detected_level: 'error' },
          values: [
            ['1795000000500000000', 'loki json line', { user: 'u1' }],
            ['1795000000600000000', 'loki json line 2'],
          ],
        },
      ],
    };
    for (const gzip of [false, true]) {
      const text = JSON.stringify(doc).replaceAll('loki json', gzip ? 'loki gz json' : 'loki json');
      const res = await post('/loki/api/v1/push', gzip ? gzipSync(text) : text, {
        'content-type': 'application/json',
        authorization: `Bearer ${KEYS.acme}`,
        ...(gzip && { 'content-encoding': 'gzip' }),
      });
      expect(res.status).toBe(204);
    }
    const records = await landed((r) => /^loki (gz )?json line/.test(r.message));
    expect(records).toHaveLength(4);
    expect(records.find((r) => r.message === 'loki json line')).toMatchObject({
      service: 'web',
      level: 'error',
      timestamp: 1_795_000_000_500,
      attributes: { app: 'web', structuredMetadata: { user: 'u1' } },
    });
  });

  it('errors are Loki-style plain text: 400 for a bad selector or garbage snappy, 401 without a key', async () => {
    const before = (await stack.records()).length;
    const bad = await post(
      '/loki/api/v1/push',
      lokiProtobuf([{ labels: 'app=web', entries: [{ line: 'x' }] }]),
      {
        'content-type': 'application/x-protobuf',
        authorization: `Bearer ${KEYS.acme}`,
      },
    );
    expect([bad.status, bad.headers.get('content-type')]).toEqual([400, 'text/plain; charset=utf-8']);
    expect(await bad.text()).toMatch(/not a valid selector/);
    const garbage = await post('/loki/api/v1/push', Buffer.from([0xff, 0xff, 0xff, 0xff, 0x7f, 1, 2]), {
      'content-type': 'application/x-protobuf',
      authorization: `Bearer ${KEYS.acme}`,
    });
    expect(garbage.status).toBeGreaterThanOrEqual(400);
    expect(garbage.status).toBeLessThan(500);
    const noKey = await post('/loki/api/v1/push', '{"streams":[]}', { 'content-type': 'application/json' });
    expect(noKey.status).toBe(401);
    expect((await stack.records()).length).toBe(before);
  });

  it('a stream failure is 429/503 with Retry-After', async () => {
    const { app } = await memoryApp({ sink: flakySink(() => true) });
    const res = await app(
      apiEvent('POST', '/loki/api/v1/push', {
        headers: { authorization: `Bearer ${KEYS.acme}`, 'content-type': 'application/json' },
        body: '{"streams":[{"stream":{"app":"a"},"values":[["1","x"]]}]}',
      }),
    );
    expect([res.statusCode, res.headers?.['retry-after']]).toEqual([429, '2']);
  });
});

describe('Datadog logs intake (POST /api/v2/logs)', () => {
  const dd = { 'dd-api-key': KEYS.acme, 'content-type': 'application/json' };

  it('JSON array, gzip or deflate: message, ddsource, ddtags, hostname, service, status; 202 {}', async () => {
    const logs = [
      {
        message: 'dd line 1',
        ddsource: 'nginx',
        ddtags: 'env:prod,team:core,canary,team:edge',
        hostname: 'web-1',
        service: 'frontend',
        status: 'warning',
        http: { status: 502 },
      },
      { message: 'dd line 2', service: 'frontend', status: 'error' },
    ];
    for (const [encoding, encode] of [
      ['identity', (s: string) => s],
      ['gzip', (s: string) => gzipSync(s)],
      ['deflate', (s: string) => deflateSync(s)],
    ] as const) {
      const text = JSON.stringify(logs).replaceAll('dd line', `dd ${encoding} line`);
      const res = await post('/api/v2/logs', encode(text), { ...dd, 'content-encoding': encoding });
      expect([res.status, await res.json()]).toEqual([202, {}]);
    }
    const one = await post('/v1/input', JSON.stringify({ message: 'dd v1 input' }), dd);
    expect(one.status).toBe(202);
    const records = await landed((r) => r.message.startsWith('dd '));
    expect(records).toHaveLength(7);
    expect(records.find((r) => r.message === 'dd gzip line 1')).toMatchObject({
      tenant: 'acme',
      service: 'frontend',
      level: 'warn',
      attributes: {
        ddsource: 'nginx',
        hostname: 'web-1',
        env: 'prod',
        team: ['core', 'edge'],
        tags: ['canary'],
        http: { status: 502 },
      },
      ingest: { protocol: 'datadog' },
    });
    expect(records.find((r) => r.message === 'dd deflate line 2')).toMatchObject({ level: 'error' });
  });

  it("refuses past Datadog's limits (1000 logs, 1 MB per log, 5 MB per payload) and bad keys, in its error shape", async () => {
    const before = (await stack.records()).length;
    const many = await post(
      '/api/v2/logs',
      JSON.stringify(Array.from({ length: 1001 }, () => ({ message: 'm' }))),
      dd,
    );
    expect(many.status).toBe(413);
    expect(await many.json()).toEqual({
      errors: [{ status: '413', title: 'Payload Too Large', detail: expect.stringMatching(/1000/) }],
    });
    const big = await post('/api/v2/logs', JSON.stringify([{ message: 'x'.repeat(1_000_001) }]), dd);
    expect(big.status).toBe(413);
    const huge = Array.from({ length: 6 }, () => ({ message: 'y'.repeat(900_000) }));
    expect(
      (await post('/api/v2/logs', gzipSync(JSON.stringify(huge)), { ...dd, 'content-encoding': 'gzip' }))
        .status,
    ).toBe(413);
    const badKey = await post('/api/v2/logs', '[{"message":"no"}]', { ...dd, 'dd-api-key': 'nope' });
    expect(badKey.status).toBe(403);
    expect((await badKey.json()).errors[0].title).toBe('Forbidden');
    const notJson = await post('/api/v2/logs', '[{"message":', dd);
    expect(notJson.status).toBe(400);
    expect((await stack.records()).length).toBe(before);
  });
});
