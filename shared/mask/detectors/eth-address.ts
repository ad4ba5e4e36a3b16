import type { Detector } from '../detector.ts';
import { capture } from './bounds.ts';
import { keccak256 } from './keccak.ts';

/** EIP-55: a letter is upper case exactly when the matching nibble of keccak256(lower-case hex) is ≥ 8. */
export function eip55Ok(hex40: string): boolean {
  const lower = hex40.toLowerCase();
  const hash = keccak256(new TextEncoder().encode(lower));
  for (let i = 0; i < 40; i++) {
    const c = hex40.charCodeAt(i);
    if (c <= 57) continue;
    const nibble = (hash[i >> 1]! >> (i % 2 === 0 ? 4 : 0)) & 0xf;
    if (c <= 70 !== nibble >= 8) return false;
  }
  return true;
}

/**
 * Ethereum addresses: `0x` + 40 hex digits. Mixed case carries the EIP-55 checksum and must pass it; one-case
 * addresses have no checksum, and the `0x` + exactly-40-hex shape is the validator (a 20-byte value: an address
 * or a truncated hash; 32-byte hashes and tx ids are 64 digits).
 */
export const ethAddress: Detector = {
  name: 'ethAddress',
  minLength: 42,
  pattern: /(?:^|[^0-9A-Za-z])(0x[0-9a-fA-F]{40})(?![0-9A-Za-z])/g,
  worthScanning: (text) => text.includes('0x'),
  validate(m) {
    const { value, hit } = capture(m);
    const hex = value.slice(2);
    const mixed = /[a-f]/.test(hex) && /[A-F]/.test(hex);
    return !mixed || eip55Ok(hex) ? hit : undefined;
  },
  canonical: (value) => value.toLowerCase(),
};
