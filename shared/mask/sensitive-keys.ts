/** Bounded so that records with ever-new key names (ids as keys) cannot grow memory. */
const CACHE_LIMIT = 10_000;

/**
 * The key-name rule: a field whose name contains any configured fragment (case-insensitive) is masked whole.
 * Key names repeat across records, so answers are cached.
 */
export function createSensitiveKeyTest(fragments: readonly string[]): (key: string) => boolean {
  const lower = fragments.map((f) => f.toLowerCase());
  if (lower.length === 0) return () => false;
  const cache = new Map<string, boolean>();
  return (key) => {
    let hit = cache.get(key);
    if (hit === undefined) {
      const k = key.toLowerCase();
      hit = lower.some((f) => k.includes(f));
      if (cache.size >= CACHE_LIMIT) cache.clear();
      cache.set(key, hit);
    }
    return hit;
  };
}
