import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToText, decompressBody } from '../../../shared/ingest/decode.ts';
import type { RefusedError } from '../../../shared/ingest/errors.ts';

const MAX = 1024 * 1024;

describe('decompressBody', () => {
  it('undoes gzip (several members), deflate (zlib or raw), br and stacked encodings', () => {
    const two = Buffer.concat([gzipSync('ab'), gzipSync('cd')]);
    expect(decompressBody(two, 'gzip', MAX).toString()).toBe('abcd');
    expect(decompressBody(deflateSync('zlib'), 'deflate', MAX).toString()).toBe('zlib');
    expect(decompressBody(deflateRawSync('raw'), 'Deflate', MAX).toString()).toBe('raw');
    expect(decompressBody(brotliCompressSync('br'), 'br', MAX).toString()).toBe('br');
    expect(decompressBody(brotliCompressSync(gzipSync('both')), 'gzip, br', MAX).toString()).toBe('both');
    expect(decompressBody(gzipSync('sniffed'), undefined, MAX).toString()).toBe('sniffed');
    expect(decompressBody(Buffer.from('plain'), 'identity', MAX).toString()).toBe('plain');
  });

  it('round-trips any bytes under the cap', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), (bytes) => {
        expect(decompressBody(gzipSync(bytes), 'gzip', MAX).equals(Buffer.from(bytes))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('stops at the cap (413), on corrupt data (400) and on unknown encodings (415)', () => {
    const status = (f: () => unknown) => {
      try {
        f();
        return 0;
      } catch (e) {
        return (e as RefusedError).status;
      }
    };
    expect(status(() => decompressBody(gzipSync(Buffer.alloc(MAX + 1)), 'gzip', MAX))).toBe(413);
    expect(status(() => decompressBody(gzipSync(Buffer.alloc(MAX)), 'gzip', MAX))).toBe(0);
    expect(status(() => decompressBody(gzipSync('x'.repeat(100)).subarray(0, 20), 'gzip', MAX))).toBe(400);
    expect(status(() => decompressBody(Buffer.from('not gzip'), 'gzip', MAX))).toBe(400);
    expect(status(() => decompressBody(Buffer.from('x'), 'compress', MAX))).toBe(415);
    expect(status(() => decompressBody(Buffer.alloc(MAX + 1), undefined, MAX))).toBe(413);
  });
});

describe('bytesToText', () => {
  it('drops a BOM and replaces invalid UTF-8', () => {
    expect(bytesToText(Buffer.from([0xef, 0xbb, 0xbf, 0x61, 0xc3]))).toBe('a\uFFFD');
  });
});
