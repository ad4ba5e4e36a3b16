/**
 * CRC-32 (IEEE 802.3, the zlib polynomial 0xEDB88320 reflected), in pure TypeScript: Node 20 has no
 * `zlib.crc32` (added in 22.2), and tests and local runs use Node 20.
 */
const TABLE = new Int32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  TABLE[n] = c;
}

/** CRC-32 of the string's code units (callers pass ASCII), as an unsigned 32-bit integer. */
export function crc32(text: string): number {
  let c = -1;
  for (let i = 0; i < text.length; i++) c = TABLE[(c ^ text.charCodeAt(i)) & 0xff]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** `n` in base 62 (0-9A-Za-z), left-padded with `0` to `width`. */
export function base62(n: number, width: number): string {
  let out = '';
  let v = n;
  while (v > 0) {
    out = BASE62[v % 62]! + out;
    v = Math.floor(v / 62);
  }
  return out.padStart(width, '0');
}

/**
 * GitHub (2021) and npm token checksum: the last 6 characters are the base62 CRC-32 of the random part before
 * them (https://github.blog/2021-04-05-behind-githubs-new-authentication-token-formats/).
 */
export function crcTokenOk(body: string): boolean {
  const random = body.slice(0, -6);
  return base62(crc32(random), 6) === body.slice(-6);
}
