import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MalformedBodyError } from '../../../../shared/ingest/errors.ts';
import { parseOtlpLogs } from '../../../../shared/ingest/otlp.ts';
import { google, opentelemetry } from '../../../../shared/ingest/protocols/generated/wire.js';
import {
  decodeOtlpProtobuf,
  encodeOtlpResponse,
  encodeRpcStatus,
} from '../../../../shared/ingest/protocols/otlp-proto.ts';
import { RecordFactory } from '../../../../shared/ingest/records.ts';
import { otlpJsonToProtobuf } from '../../../helpers/otlp-proto.ts';

const records = (doc: unknown) => {
  let n = 0;
  const f = new RecordFactory(
    { tenant: 't', region: 'eu', protocol: 'otlp', receivedAt: 1, nextId: () => String(n++) },
    { maxRecords: 100, maxDepth: 20 },
  );
  parseOtlpLogs(doc, f, 20);
  return f.records;
};

/** Every field the JSON path maps, in one request. */
const FULL = {
  resourceLogs: [
    {
      resource: {
        attributes: [
          { key: 'service.name', value: { stringValue: 'checkout' } },
          { key: 'host.cpus', value: { intValue: '8' } },
        ],
      },
      scopeLogs: [
        {
          scope: { name: 'shop', version: '1.0', attributes: [{ key: 'lib', value: { boolValue: true } }] },
          logRecords: [
            {
              timeUnixNano: '1795000000123456789',
              observedTimeUnixNano: '1795000001000000000',
              severityNumber: 17,
              severityText: 'ERROR',
              body: {
                kvlistValue: { values: [{ key: 'order', value: { intValue: '9223372036854775807' } }] },
              },
              attributes: [
                { key: 'blob', value: { bytesValue: 'AAEC/w==' } },
                { key: 'ratio', value: { doubleValue: 0.25 } },
                {
                  key: 'list',
                  value: {
                    arrayValue: { values: [{ stringValue: 'a' }, { intValue: '-3' }, { boolValue: false }] },
                  },
                },
                { key: 'empty', value: { kvlistValue: { values: [] } } },
              ],
              flags: 1,
              traceId: '5b8efff798038103d269b633813fc60c',
              spanId: 'eee19b7ec3c1b174',
              eventName: 'order.failed',
            },
            // Only the observed time: it stands in for the event time, as in the JSON path.
            { observedTimeUnixNano: '1795000002000000000', body: { stringValue: 'second' } },
          ],
        },
      ],
    },
  ],
};

describe('OTLP protobuf decoding', () => {
  it('yields exactly the records the JSON path yields for the same request, every field included', () => {
    const fromProto = records(decodeOtlpProtobuf(otlpJsonToProtobuf(FULL), 20));
    expect(fromProto).toEqual(records(FULL));
    expect(fromProto[0]).toMatchObject({
      timestamp: 1_795_000_000_123,
      service: 'checkout',
      level: 'error',
      message: '{"order":"9223372036854775807"}',
      attributes: {
        blob: 'AAEC/w==',
        ratio: 0.25,
        list: ['a', -3, false],
        empty: {},
        flags: 1,
        traceId: '5b8efff798038103d269b633813fc60c',
        spanId: 'eee19b7ec3c1b174',
        eventName: 'order.failed',
        resource: { 'service.name': 'checkout', 'host.cpus': 8 },
        scope: { name: 'shop', version: '1.0', attributes: { lib: true } },
      },
    });
    expect(fromProto[1]).toMatchObject({ timestamp: 1_795_000_002_000, message: 'second' });
  });

  it('refuses truncated frames, huge varints and lengths, and wrong wire types as malformed', () => {
    const good = otlpJsonToProtobuf(FULL);
    for (const bad of [
      good.subarray(0, good.length - 3),
      Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]),
      Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x00]),
      Buffer.from([0x0f]),
    ]) {
      expect(() => decodeOtlpProtobuf(bad, 20)).toThrow(MalformedBodyError);
    }
  });

  it('refuses values nested past the limit, and never throws anything but MalformedBodyError on garbage', () => {
    // 10,000 nested kvlists, built as bytes from the inside out.
    let inner: Uint8Array = opentelemetry.proto.common.v1.AnyValue.encode({ stringValue: 'leaf' }).finish();
    for (let i = 0; i < 10_000; i++) {
      const kv = Buffer.concat([Buffer.from([0x0a, 1, 0x6b, 0x12]), varint(inner.length), inner]);
      const list = Buffer.concat([Buffer.from([0x0a]), varint(kv.length), kv]);
      inner = Buffer.concat([Buffer.from([0x32]), varint(list.length), list]);
    }
    const lr = Buffer.concat([Buffer.from([0x2a]), varint(inner.length), inner]);
    const sl = Buffer.concat([Buffer.from([0x12]), varint(lr.length), lr]);
    const rl = Buffer.concat([Buffer.from([0x12]), varint(sl.length), sl]);
    const body = Buffer.concat([Buffer.from([0x0a]), varint(rl.length), rl]);
    expect(() => decodeOtlpProtobuf(body, 20)).toThrow(MalformedBodyError);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          decodeOtlpProtobuf(bytes, 20);
        } catch (err) {
          expect(err).toBeInstanceOf(MalformedBodyError);
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it('encodes partial success and google.rpc.Status as the exporter decodes them', () => {
    const { ExportLogsServiceResponse } = opentelemetry.proto.collector.logs.v1;
    expect(encodeOtlpResponse(0, '')).toHaveLength(0);
    const partial = ExportLogsServiceResponse.decode(encodeOtlpResponse(2, 'too big'));
    expect(Number(partial.partialSuccess?.rejectedLogRecords)).toBe(2);
    expect(partial.partialSuccess?.errorMessage).toBe('too big');
    expect(google.rpc.Status.decode(encodeRpcStatus(16, 'no key'))).toMatchObject({
      code: 16,
      message: 'no key',
    });
  });
});

function varint(n: number): Buffer {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return Buffer.from(out);
}
