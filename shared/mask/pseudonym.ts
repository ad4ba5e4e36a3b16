import { createHmac } from 'node:crypto';

/** Pseudonyms are cached per masker; the cache is dropped when full so memory stays bounded. */
const CACHE_LIMIT = 10_000;
/** 16 hex characters = 64 bits: collisions stay negligible for any one tenant's distinct values. */
const LENGTH = 16;

export type Pseudonymizer = (kind: string, value: string) => string;

/**
 * Keyed HMAC-SHA256 pseudonyms: the same value under the same tenant key always gives the same pseudonym (so
 * masked records stay joinable), and without the key a pseudonym cannot be reversed or recomputed. The detector
 * name is part of the input so values of different kinds never link. A pseudonym always contains a letter: an
 * all-digit one could read as a card number on a second pass.
 */
export function createPseudonymizer(key: Uint8Array): Pseudonymizer {
  const cache = new Map<string, string>();
  return (kind, value) => {
    const input = `${kind}\u0000${value}`;
    const hit = cache.get(input);
    if (hit !== undefined) return hit;
    const hex = createHmac('sha256', key).update(input, 'utf8').digest('hex');
    let out = hex.slice(0, LENGTH);
    for (let i = LENGTH; /^\d+$/.test(out) && i + LENGTH <= hex.length; i += LENGTH)
      out = hex.slice(i, i + LENGTH);
    if (/^\d+$/.test(out)) out = `a${out.slice(1)}`;
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(input, out);
    return out;
  };
}
