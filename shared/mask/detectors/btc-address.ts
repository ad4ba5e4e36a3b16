import { createHash } from 'node:crypto';
import type { Detector } from '../detector.ts';
import { capture } from './bounds.ts';

const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/** Base58 decode to bytes (leading `1`s are zero bytes); undefined on a character outside the alphabet. */
function base58(s: string): Uint8Array | undefined {
  let n = 0n;
  for (const ch of s) {
    const v = B58.indexOf(ch);
    if (v < 0) return undefined;
    n = n * 58n + BigInt(v);
  }
  const bytes: number[] = [];
  while (n > 0n) {
    bytes.unshift(Number(n & 0xffn));
    n >>= 8n;
  }
  for (let i = 0; i < s.length && s[i] === '1'; i++) bytes.unshift(0);
  return Uint8Array.from(bytes);
}

const sha256 = (b: Uint8Array): Buffer => createHash('sha256').update(b).digest();

/** Base58Check: 25 bytes, version 0x00 (P2PKH) or 0x05 (P2SH), last 4 = double-SHA-256 of the first 21. */
export function base58CheckOk(s: string): boolean {
  const b = base58(s);
  if (b === undefined || b.length !== 25 || (b[0] !== 0x00 && b[0] !== 0x05)) return false;
  const sum = sha256(sha256(b.subarray(0, 21)));
  return sum.subarray(0, 4).equals(b.subarray(21));
}

const BECH32 = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const GEN = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];

function polymod(values: readonly number[]): number {
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= GEN[i]!;
  }
  return chk >>> 0;
}

/** BIP-173/350: bech32 (witness v0, constant 1) or bech32m (v1+, constant 0x2bc830a3) with the `bc` prefix. */
export function bech32Ok(address: string): boolean {
  const s = address.toLowerCase();
  const data: number[] = [];
  for (const ch of s.slice(3)) {
    const v = BECH32.indexOf(ch);
    if (v < 0) return false;
    data.push(v);
  }
  if (data.length < 7) return false;
  const hrp = [3, 3, 0, 2, 3]; // 'bc' expanded: high bits 3,3 · 0 · low bits 2,3
  const check = polymod([...hrp, ...data]);
  return data[0] === 0 ? check === 1 : check === 0x2bc830a3;
}

/**
 * Bitcoin addresses: legacy Base58Check (`1…`, `3…`, double-SHA-256 checksum) and SegWit bech32/bech32m
 * (`bc1…`, BCH checksum), in one letter case for bech32.
 */
export const btcAddress: Detector = {
  name: 'btcAddress',
  minLength: 26,
  pattern:
    /(?:^|[^0-9A-Za-z])([13][1-9A-HJ-NP-Za-km-z]{25,34}|bc1[02-9ac-hj-np-z]{11,71}|BC1[02-9AC-HJ-NP-Z]{11,71})(?![0-9A-Za-z])/g,
  worthScanning: (text) => BTC_SHAPE.test(text),
  validate(m) {
    const { value, hit } = capture(m);
    const ok = value[0] === 'b' || value[0] === 'B' ? bech32Ok(value) : base58CheckOk(value);
    return ok ? hit : undefined;
  },
  skipRejected: true,
};

/** A base58 run starting with 1 or 3, or `bc1`: cheap to reject on ordinary text. */
const BTC_SHAPE = /[13][1-9A-HJ-NP-Za-km-z]{25}|bc1|BC1/;
