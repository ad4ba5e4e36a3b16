/**
 * Distinct messages of a pattern, as the K smallest 32-bit FNV-1a hashes of the (masked) messages (a KMV sketch).
 * Merging is a union cut to K: associative, commutative and idempotent, so replays, shards and regions add up; the
 * union of the sketches holds ≥ K hashes exactly when ≥ K distinct messages were seen (bar 32-bit collisions).
 */
export const MAX_SKETCH = 20;

export function messageHash(message: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < message.length; i++) {
    h ^= message.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** Sorted union of two sketches, cut to the `k` smallest. */
export function mergeSketch(a: readonly string[], b: readonly string[], k = MAX_SKETCH): string[] {
  if (b.length === 0) return a.length <= k ? [...a] : a.slice(0, k);
  return [...new Set([...a, ...b])].sort().slice(0, k);
}

/** Adds one hash to a sorted sketch in place (the aggregator's hot path). */
export function addToSketch(sketch: string[], hash: string, k = MAX_SKETCH): void {
  if (sketch.length >= k && hash >= sketch[sketch.length - 1]!) return;
  let i = 0;
  while (i < sketch.length && sketch[i]! < hash) i++;
  if (sketch[i] === hash) return;
  sketch.splice(i, 0, hash);
  if (sketch.length > k) sketch.pop();
}
