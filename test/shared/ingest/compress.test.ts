import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compressPacked, packForStream } from '../../../shared/ingest/pack.ts';
import { type DecodeContext, decodeStreamRecord } from '../../../shared/process/decode.ts';
import {
  decodeEnvelope,
  GZIP_ENVELOPE_HEADER,
  gzipEnvelope,
  isEnvelope,
  packRecords,
} from '../../../shared/record/envelope.ts';
import { normalizeRecord } from '../../../shared/record/normalize.ts';
import type { LogRecord } from '../../../shared/record/record.ts';

function records(messages: string[]): LogRecord[] {
  let n = 0;
  return messages.map((message) =>
    normalizeRecord(
      { message, service: 'checkout', level: 'info' },
      {
        tenant: 't',
        region: 'eu',
        protocol: 'test',
        receivedAt: 1_795_000_000_000,
        nextId: () => `r-${n++}`,
      },
    ),
  );
}

describe('compressed envelopes', () => {
  it('round-trip: the compressed entries decode to exactly the records, ranges and keys of the plain ones', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.string({ unit: 'grapheme', maxLength: 400 }), { maxLength: 80 }),
        async (messages) => {
          const plain = packForStream(records(messages), 1024 * 1024, 2048);
          const packed = await compressPacked(plain);
          expect(packed.entries.map((e) => [e.from, e.to, e.partitionKey])).toEqual(
            plain.entries.map((e) => [e.from, e.to, e.partitionKey]),
          );
          for (const [i, e] of packed.entries.entries()) {
            expect(new TextDecoder().decode(e.data.subarray(0, GZIP_ENVELOPE_HEADER.length))).toBe(
              GZIP_ENVELOPE_HEADER,
            );
            expect(decodeEnvelope(e.data)).toEqual(decodeEnvelope(plain.entries[i]!.data));
          }
        },
      ),
      { numRuns: 50 },
    );
  });

  it('shrinks realistic envelopes to under a third of their size', async () => {
    const msgs = Array.from(
      { length: 500 },
      (_, i) => `GET /api/orders/${i} 200 in ${i % 97} ms for user-${i % 13}`,
    );
    const plain = packForStream(records(msgs), 1024 * 1024);
    const packed = await compressPacked(plain);
    const size = (p: typeof plain) => p.entries.reduce((a, e) => a + e.data.length, 0);
    expect(size(packed) / size(plain)).toBeLessThan(1 / 3);
  });

  it('the processor reads old (plain) and new (gzip) envelopes alike, with stable positions', async () => {
    const input = records(['one', 'two', 'three']);
    const old = packRecords(input)[0]!;
    const [fresh] = (await compressPacked(packForStream(input, 1024 * 1024))).entries;
    const ctx = { region: 'eu', tenants: new Set(['t']), defaultTenant: 't' } satisfies DecodeContext;
    const read = (data: Uint8Array) =>
      decodeStreamRecord({ data, sequenceNumber: '1', partitionKey: 'k', arrivalMs: 0 }, ctx);
    const a = read(old);
    const b = read(fresh!.data);
    expect(b).toEqual(a);
    expect(a[0]).toMatchObject({ kind: 'records' });
  });

  it('refuses a gzip envelope that inflates past the cap, and a broken one, as poison (not a crash)', () => {
    const bomb = gzipEnvelope(gzipSync(Buffer.alloc(32 * 1024 * 1024, 0x61)));
    expect(isEnvelope(bomb)).toBe(true);
    expect(() => decodeEnvelope(bomb)).toThrow(RangeError);
    const ctx = { region: 'eu', tenants: new Set(['t']), defaultTenant: 't' } satisfies DecodeContext;
    const [unit] = decodeStreamRecord(
      { data: bomb, sequenceNumber: '1', partitionKey: 'k', arrivalMs: 0 },
      ctx,
    );
    expect(unit).toMatchObject({ kind: 'poison', reason: 'too-large' });
    const broken = gzipEnvelope(new Uint8Array([0x1f, 0x8b, 1, 2, 3]));
    const [bad] = decodeStreamRecord(
      { data: broken, sequenceNumber: '2', partitionKey: 'k', arrivalMs: 0 },
      ctx,
    );
    expect(bad).toMatchObject({ kind: 'poison', reason: 'invalid-envelope' });
  });
});
