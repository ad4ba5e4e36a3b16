import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { packForStream } from '../../../shared/ingest/pack.ts';
import { decodeEnvelope } from '../../../shared/record/envelope.ts';
import { normalizeRecord } from '../../../shared/record/normalize.ts';
import type { LogRecord } from '../../../shared/record/record.ts';

function records(messages: string[]): LogRecord[] {
  let n = 0;
  return messages.map((message) =>
    normalizeRecord(
      { message },
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

describe('packForStream', () => {
  it('keeps every record, in order, in envelopes under the target; ranges and keys are right', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'grapheme', maxLength: 400 }), { maxLength: 80 }),
        (messages) => {
          const input = records(messages);
          const { entries, oversized } = packForStream(input, 1024 * 1024, 2048);
          expect(oversized).toEqual([]);
          const decoded = entries.flatMap((e) => decodeEnvelope(e.data));
          expect(decoded.map((r) => r.message)).toEqual(messages);
          for (const e of entries) {
            expect(e.partitionKey).toBe(input[e.from]!.ingest.id);
            expect(decodeEnvelope(e.data).map((r) => r.ingest.id)).toEqual(
              input.slice(e.from, e.to).map((r) => r.ingest.id),
            );
          }
          expect(new Set(entries.map((e) => e.partitionKey)).size).toBe(entries.length);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses only the records too big for one Kinesis record (counting UTF-8 bytes)', () => {
    const input = records(['a', 'é'.repeat(600), 'b', 'x'.repeat(600)]);
    const { entries, oversized } = packForStream(input, 1000);
    expect(oversized).toEqual([1]);
    expect(entries.flatMap((e) => decodeEnvelope(e.data)).map((r) => r.message)).toEqual([
      'a',
      'b',
      'x'.repeat(600),
    ]);
  });
});

describe('recordSerializer', () => {
  it('writes exactly what serializeRecord writes', async () => {
    const { recordSerializer } = await import('../../../shared/ingest/pack.ts');
    const { serializeRecord } = await import('../../../shared/record/serialize.ts');
    fc.assert(
      fc.property(
        fc.string(),
        fc.string(),
        fc.dictionary(fc.string(), fc.jsonValue()),
        fc.integer({ min: 0, max: 8.64e15 }),
        (service, message, attributes, timestamp) => {
          const [r] = records([message]);
          Object.assign(r!, { service, attributes, timestamp });
          expect(recordSerializer('t', 'eu')(r!)).toBe(serializeRecord(r!));
        },
      ),
    );
  });
});
