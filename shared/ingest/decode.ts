import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import { MalformedBodyError, RefusedError, TooLargeError } from './errors.ts';

const MIB = 1024 * 1024;

function isGzip(b: Uint8Array): boolean {
  return b.length >= 3 && b[0] === 0x1f && b[1] === 0x8b && b[2] === 0x08;
}

/** RFC 1950 header: compression method 8 and a header checksum that is a multiple of 31. */
function isZlib(b: Uint8Array): boolean {
  const b0 = b[0];
  const b1 = b[1];
  return b0 !== undefined && b1 !== undefined && (b0 & 0x0f) === 8 && ((b0 << 8) | b1) % 31 === 0;
}

function inflateCapped(kind: string, run: () => Buffer, maxBytes: number): Buffer {
  try {
    return run();
  } catch (cause) {
    // zlib stops as soon as the output passes maxOutputLength, so a bomb never allocates past the cap.
    if ((cause as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || cause instanceof RangeError) {
      throw new TooLargeError(
        'tooLarge',
        `the ${kind}-decompressed body exceeds ${Math.floor(maxBytes / MIB)} MiB; send smaller batches`,
        { cause },
      );
    }
    throw new MalformedBodyError(`the ${kind} body is corrupt or truncated`, { cause });
  }
}

/** Undoes one compression layer, each with the output capped at `maxBytes`. Gzip may hold several members. */
export function gunzipCapped(body: Uint8Array, maxBytes: number): Buffer {
  return inflateCapped('gzip', () => gunzipSync(body, { maxOutputLength: maxBytes }), maxBytes);
}

function decodeOne(coding: string, body: Buffer, maxBytes: number): Buffer {
  switch (coding) {
    case 'identity':
    case '':
      return body;
    case 'gzip':
    case 'x-gzip':
      return gunzipCapped(body, maxBytes);
    case 'deflate':
      // "deflate" is meant to be zlib-wrapped (RFC 9110 §8.4.1.2) but some clients send raw deflate: accept both.
      return isZlib(body)
        ? inflateCapped('deflate', () => inflateSync(body, { maxOutputLength: maxBytes }), maxBytes)
        : inflateCapped('deflate', () => inflateRawSync(body, { maxOutputLength: maxBytes }), maxBytes);
    case 'br':
      return inflateCapped('br', () => brotliDecompressSync(body, { maxOutputLength: maxBytes }), maxBytes);
    default:
      throw new RefusedError(
        'unsupportedEncoding',
        `Content-Encoding "${coding.slice(0, 20)}" is not supported; use gzip, deflate or br`,
      );
  }
}

/**
 * Undoes `Content-Encoding` (a comma-separated list, applied in order, so undone in reverse). A gzip body sent
 * without the header is recognised by its magic bytes: shippers posting pre-compressed files often omit it.
 */
export function decompressBody(body: Buffer, contentEncoding: string | undefined, maxBytes: number): Buffer {
  const codings = (contentEncoding ?? '')
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
  let out = body;
  if (codings.length === 0) {
    if (isGzip(body)) out = gunzipCapped(body, maxBytes);
  } else {
    for (let i = codings.length - 1; i >= 0; i--) out = decodeOne(codings[i]!, out, maxBytes);
  }
  if (out.length > maxBytes) {
    throw new TooLargeError(
      'tooLarge',
      `the body exceeds ${Math.floor(maxBytes / MIB)} MiB once decompressed; send smaller batches`,
    );
  }
  return out;
}

/**
 * Bytes to text. Invalid UTF-8 is REPLACED with U+FFFD, not refused: a line with one bad byte is still worth
 * keeping, and a 4xx makes shippers such as syslog-ng retry the same batch forever. A leading BOM is dropped.
 */
export function bytesToText(bytes: Buffer): string {
  const start = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  return bytes.toString('utf8', start);
}
