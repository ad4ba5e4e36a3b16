import { bytesToText, decompressBody } from './decode.ts';
import { RefusedError, TooLargeError } from './errors.ts';
import { firstNonSpace } from './generic.ts';
import type { RequestBody } from './protocols/types.ts';

/**
 * The request body with Content-Encoding undone (capped at `maxBytes`). A plain-text body stays the string it
 * arrived as: no copy for the common case. Bytes and text are each derived once, on first use.
 */
export function requestBody(
  raw: string,
  base64: boolean,
  contentEncoding: string | undefined,
  maxBytes: number,
): RequestBody {
  const plain =
    !base64 &&
    (contentEncoding === undefined || contentEncoding.trim() === '' || contentEncoding === 'identity');
  let bytes: Buffer | undefined;
  let text: string | undefined;
  if (plain) {
    if (Buffer.byteLength(raw) > maxBytes) {
      throw new TooLargeError('tooLarge', `the body exceeds ${maxBytes} bytes`);
    }
    text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
  } else {
    bytes = decompressBody(Buffer.from(raw, base64 ? 'base64' : 'utf8'), contentEncoding, maxBytes);
  }
  return {
    get bytes() {
      bytes ??= Buffer.from(text!, 'utf8');
      return bytes;
    },
    get text() {
      text ??= bytesToText(bytes!);
      return text;
    },
  };
}

/** msgpack (Fluent Bit's default `out_http` format) is named as such rather than read as garbage text. */
export function refuseMsgpack(contentType: string | undefined, body: RequestBody): void {
  if (!(contentType ?? '').toLowerCase().includes('msgpack')) return;
  const text = body.text;
  const at = firstNonSpace(text);
  const c = at === -1 ? 0 : text.charCodeAt(at);
  if (at !== -1 && c !== 123 && c !== 91) {
    throw new RefusedError(
      'unsupportedMediaType',
      'msgpack is not supported: send JSON (e.g. format json_lines)',
    );
  }
}
