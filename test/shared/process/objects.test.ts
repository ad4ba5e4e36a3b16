import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeObject } from '../../../shared/process/objects.ts';

describe('encodeObject', () => {
  it('is gzip of the lines, newline-terminated, whatever characters they hold', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.string({ unit: 'grapheme' }).map((s) => s.replaceAll('\n', ' '))),
        async (lines) => {
          const text = gunzipSync(await encodeObject(lines)).toString('utf8');
          expect(text).toBe(lines.map((l) => `${l}\n`).join(''));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('keeps multi-byte characters and lone surrogates as UTF-8 (replacement character for the latter)', async () => {
    const lines = ['{"m":"café ☕ 𝄞"}', 'plain', '\ud800 lone'];
    const text = gunzipSync(await encodeObject(lines)).toString('utf8');
    expect(text).toBe('{"m":"café ☕ 𝄞"}\nplain\n\ufffd lone\n');
  });
});
