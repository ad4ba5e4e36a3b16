import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEnvelope, isEnvelope, packRecords } from '../../../shared/record/envelope.ts';
import { normalizeRecord } from '../../../shared/record/normalize.ts';
import type { LogRecord } from '../../../shared/record/record.ts';

function records(messages: string[]): LogRecord[] {
  let n = 0;
  return messages.map((message) =>
    normalizeRecord(
      { message, attributes: { n } },
      {
        tenant: 't',
        region: 'eu',
        protocol: 'test',
        receivedAt: 1_795_000_000_000,
        nextId: () => `id-${n++}`,
      },
    ),
  );
}

describe('envelopes', () => {
  it('round-trip any records, in order, across envelope boundaries', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'grapheme', maxLength: 300 }), { maxLength: 60 }),
        (messages) => {
          const input = records(messages);
          const envelopes = packRecords(input, 2048);
          expect(envelopes.flatMap((e) => decodeEnvelope(e))).toEqual(input);
        },
      ),
    );
  });

  it('respect the target size unless a single record is larger', () => {
    const envelopes = packRecords(records(Array.from({ length: 100 }, () => 'x'.repeat(500))), 4096);
    expect(envelopes.length).toBeGreaterThan(10);
    for (const e of envelopes) expect(e.length).toBeLessThanOrEqual(4096);
    const big = packRecords(records(['y'.repeat(10_000)]), 4096);
    expect(big).toHaveLength(1);
  });

  it('refuse data that is not an envelope', () => {
    const data = new TextEncoder().encode('{"message":"plain"}');
    expect(isEnvelope(data)).toBe(false);
    expect(() => decodeEnvelope(data)).toThrow(TypeError);
    expect(() => decodeEnvelope(new TextEncoder().encode('{"sluice":1}\n{"broken'))).toThrow();
  });
});
