import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashText, sampledIn } from '../../../shared/filter/hash.ts';

/** Byte-wise reference: FNV-1a 32 over TextEncoder's UTF-8, then murmur3 fmix32. */
function reference(text: string): number {
  let h = 0x811c9dc5;
  for (const b of new TextEncoder().encode(text)) h = Math.imul(h ^ b, 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

describe('hashText', () => {
  it('is FNV-1a over UTF-8 (incl. astral characters and lone surrogates) with a fixed finalizer', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 100 }), (s) => {
        expect(hashText(s)).toBe(reference(s));
      }),
      { numRuns: 300 },
    );
  });

  it('is pinned: these values must never change (other regions and versions sample alike)', () => {
    expect([hashText(''), hashText('abc'), hashText('trace-1')]).toEqual([2872998923, 482950588, 597944320]);
  });

  it('samples close to 1 in N over distinct values', () => {
    let kept = 0;
    for (let i = 0; i < 20_000; i++) if (sampledIn(`req-${i}`, 10)) kept++;
    expect(kept).toBeGreaterThan(1_800);
    expect(kept).toBeLessThan(2_200);
  });
});
