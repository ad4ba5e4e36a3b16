import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type NormalizeContext, normalizeRecord, parseTimestamp } from '../../../shared/record/normalize.ts';
import { parseLogLine } from '../../../shared/record/parse-line.ts';
import { parseSerialized, serializeRecord } from '../../../shared/record/serialize.ts';

const RECEIVED = Date.UTC(2026, 10, 22, 12, 0, 0);
function ctx(): NormalizeContext {
  let n = 0;
  return { tenant: 'acme', region: 'eu', protocol: 'test', receivedAt: RECEIVED, nextId: () => `id-${n++}` };
}

describe('normalizeRecord', () => {
  it('lifts known fields and keeps every other field unchanged under attributes', () => {
    const raw = {
      '@timestamp': '2026-11-22T10:00:00.123Z',
      severity: 'WARNING',
      msg: 'disk almost full',
      app: 'storage',
      host: 'node-1',
      disk: { used: 0.93, mount: '/data' },
      tags: ['a', 'b'],
    };
    const r = normalizeRecord(raw, ctx());
    expect(r).toEqual({
      timestamp: Date.UTC(2026, 10, 22, 10, 0, 0, 123),
      tenant: 'acme',
      region: 'eu',
      service: 'storage',
      level: 'warn',
      message: 'disk almost full',
      attributes: { host: 'node-1', disk: { used: 0.93, mount: '/data' }, tags: ['a', 'b'] },
      ingest: { receivedAt: RECEIVED, protocol: 'test', id: 'id-0' },
    });
  });

  it('a recognised alias whose value is unreadable stays in attributes', () => {
    const r = normalizeRecord({ level: { nested: true }, message: 42 }, ctx());
    expect(r.level).toBe('info');
    expect(r.message).toBe('');
    expect(r.attributes).toEqual({ level: { nested: true }, message: 42 });
  });

  it('keeps a client key named __proto__ as data, at the top and inside "attributes"', () => {
    const line = '{"message":"m","__proto__":{"a":1},"attributes":{"__proto__":{"b":2},"c":3}}';
    const r = normalizeRecord(JSON.parse(line), ctx());
    expect(Object.getPrototypeOf(r.attributes)).toBe(Object.prototype);
    expect(Object.keys(r.attributes)).toEqual(['__proto__', 'c']);
    expect(JSON.parse(serializeRecord(r)).attributes).toEqual(JSON.parse('{"__proto__":{"b":2},"c":3}'));
  });

  it('falls back to the receive time, `unknown` service and info level', () => {
    const r = normalizeRecord({}, ctx());
    expect([r.timestamp, r.service, r.level]).toEqual([RECEIVED, 'unknown', 'info']);
  });

  it('client-sent tenant, region and ingest fields cannot override the stamped ones', () => {
    const r = normalizeRecord({ tenant: 'evil', region: 'us', ingest: { id: 'x' } }, ctx());
    expect([r.tenant, r.region, r.ingest.id]).toEqual(['acme', 'eu', 'id-0']);
  });

  it('a serialized record normalizes back to itself (idempotent for re-processing)', () => {
    const r = normalizeRecord(
      { ts: 1_795_000_000, level: 'error', message: 'm', service: 's', k: { v: 1 } },
      ctx(),
    );
    const again = normalizeRecord(JSON.parse(serializeRecord(r)), ctx());
    expect({ ...again, ingest: r.ingest }).toEqual(r);
    expect(parseSerialized(serializeRecord(r))).toEqual(r);
  });

  it('never throws on arbitrary JSON objects and keeps every unknown key', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (raw) => {
        const r = normalizeRecord(raw, ctx());
        for (const k of Object.keys(raw)) {
          const known = [
            'timestamp',
            'level',
            'message',
            'service',
            'tenant',
            'region',
            'ingest',
            'attributes',
          ];
          if (!known.includes(k) && !(k in r.attributes)) {
            // Only lifted aliases may be missing from attributes.
            expect([
              '@timestamp',
              'time',
              'ts',
              'date',
              'datetime',
              'severity',
              'lvl',
              'loglevel',
              'log_level',
              'levelname',
              'severity_text',
              'msg',
              'log',
              'text',
              'body',
              'service_name',
              'app',
              'application',
              'program',
              'source',
            ]).toContain(k);
          }
        }
        expect(Number.isFinite(r.timestamp)).toBe(true);
      }),
    );
  });
});

describe('parseTimestamp', () => {
  const t = Date.UTC(2026, 10, 22, 10, 0, 0);
  it.each([
    ['epoch seconds float (Fluent Bit)', t / 1000 + 0.5, t + 500],
    ['epoch ms', t, t],
    ['epoch µs', t * 1000, t],
    ['epoch ns string (OTLP)', `${t}000000`, t],
    ['RFC 3339', '2026-11-22T10:00:00Z', t],
    ['RFC 3339 with offset', '2026-11-22T11:00:00+01:00', t],
  ] as const)('%s', (_name, input, expected) => {
    expect(parseTimestamp(input)).toBe(expected);
  });

  it('rejects garbage', () => {
    expect(parseTimestamp('yesterday-ish')).toBeUndefined();
    expect(parseTimestamp(-5)).toBeUndefined();
    expect(parseTimestamp(Number.NaN)).toBeUndefined();
  });
});

describe('parseLogLine', () => {
  it('JSON objects are normalized; other lines become the message', () => {
    expect(parseLogLine('{"msg":"hi","level":"error"}', ctx())).toMatchObject({
      message: 'hi',
      level: 'error',
    });
    expect(parseLogLine('{not json', ctx()).message).toBe('{not json');
    expect(parseLogLine('[1,2]', ctx()).message).toBe('[1,2]');
    expect(parseLogLine('plain text', ctx()).message).toBe('plain text');
  });
});
