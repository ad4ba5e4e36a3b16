import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type DecodeContext, decodeStreamRecord } from '../../../shared/process/decode.ts';
import { partitionOf, recordObjectKey } from '../../../shared/process/objects.ts';
import { compareSeq, padSeq } from '../../../shared/process/seq.ts';
import { packRecords } from '../../../shared/record/envelope.ts';
import { makeRecord, T0 } from '../../helpers/records.ts';

const ctx: DecodeContext = { region: 'eu', tenants: new Set(['acme']), defaultTenant: 'acme' };
const record = (data: Uint8Array) => ({
  sequenceNumber: '49590000000000000001',
  partitionKey: 'p',
  data,
  arrivalMs: T0,
});

describe('decodeStreamRecord', () => {
  it('never throws: arbitrary bytes become records or a poison unit carrying the exact payload', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const units = decodeStreamRecord(record(bytes), ctx);
        expect(units.length).toBeGreaterThanOrEqual(1);
        for (const u of units) {
          if (u.kind === 'poison') expect(Buffer.from(u.payload)).toEqual(Buffer.from(bytes));
          else for (const r of u.records) expect(r.tenant).toBe('acme');
        }
      }),
    );
  });

  it('round-trips envelopes and gives records of other producers stable ids', () => {
    const recs = [makeRecord(), makeRecord({ message: 'two' })];
    const [unit] = decodeStreamRecord(record(packRecords(recs)[0]!), ctx);
    expect(unit).toMatchObject({ kind: 'records', records: recs });
    const plain = new TextEncoder().encode('a\nb\n');
    const ids = () =>
      decodeStreamRecord(record(plain), ctx).flatMap((u) =>
        u.kind === 'records' ? u.records.map((r) => r.ingest.id) : [],
      );
    expect(ids()).toEqual(ids());
    expect(new Set(ids()).size).toBe(2);
  });

  it('rejects envelopes of tenants or regions this stream does not serve', () => {
    for (const [r, reason] of [
      [makeRecord({ tenant: 'other' }), 'unknown-tenant'],
      [makeRecord({ region: 'us' }), 'wrong-region'],
    ] as const) {
      expect(decodeStreamRecord(record(packRecords([r])[0]!), ctx)[0]).toMatchObject({
        kind: 'poison',
        reason,
      });
    }
    const none = { ...ctx, defaultTenant: undefined };
    expect(decodeStreamRecord(record(new TextEncoder().encode('x')), none)[0]).toMatchObject({
      reason: 'no-default-tenant',
    });
  });
});

describe('sequence numbers and object keys', () => {
  it('padded sequence numbers order like the numbers they are', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 60n }),
        fc.bigInt({ min: 0n, max: 10n ** 60n }),
        (a, b) => {
          const expected = a < b ? -1 : a > b ? 1 : 0;
          expect(compareSeq(a.toString(), b.toString())).toBe(expected);
          expect(padSeq(a.toString()) < padSeq(b.toString())).toBe(a < b);
        },
      ),
    );
  });

  it('names objects from partition, shard and first sequence number, Hive style', () => {
    const key = recordObjectKey(
      'records/',
      partitionOf('acme', Date.UTC(2026, 10, 22, 7, 59)),
      'shardId-000000000003',
      '42',
    );
    expect(key).toBe(
      `records/tenant=acme/dt=2026-11-22/hour=07/shardId-000000000003-${'0'.repeat(127)}42.ndjson.gz`,
    );
  });
});
