/** Bounded so that records with ever-new key names (ids as keys) cannot grow memory. */
const CACHE_LIMIT = 10_000;

/**
 * Key names whose values are masked whatever they hold (the rules in use elsewhere, shared/reference/identifiers.md).
 * Matching ignores case and separators, so `api_key` also covers `apiKey`, `API-KEY` and `x-api-key`.
 */
export const DEFAULT_SENSITIVE_KEYS = [
  'password',
  'passwd',
  'passphrase',
  'pwd',
  'pass',
  'secret',
  'token',
  'api_key',
  'access_key',
  'private_key',
  'credential',
  'authorization',
  'auth',
  'cookie',
  'session_id',
  'cvv',
  'cvc',
  'pin',
  'ssn',
] as const;

/**
 * Fragments shorter than this must be whole words of the key (`pin`, `pass`, `auth`, `cvv`): as substrings they
 * would claim `shipping`, `passenger`, `author`. Longer ones may sit anywhere (`dbpassword`, `userSecret`).
 */
const WORD_ONLY_BELOW = 5;

/** `X-Api-Key` → `['x', 'api', 'key']`; `userPIN` → `['user', 'pin']`; `DB_PASSWORD` → `['db', 'password']`. */
function words(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
}

const squash = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Does `fragment` (squashed) equal a run of consecutive words? (`apikey` in `x api key`.) */
function wordRun(ws: readonly string[], fragment: string): boolean {
  for (let i = 0; i < ws.length; i++) {
    let joined = '';
    for (let j = i; j < ws.length && joined.length < fragment.length; j++) {
      joined += ws[j];
      if (joined === fragment) return true;
    }
  }
  return false;
}

/**
 * The key-name rule: a field whose name contains a configured fragment is masked whole. Case and separators
 * (`_`, `-`, `.`, spaces, camelCase) are ignored; short fragments must be whole words. Key names repeat across
 * records, so answers are cached.
 */
export function createSensitiveKeyTest(fragments: readonly string[]): (key: string) => boolean {
  const all = fragments.map(squash).filter((f) => f.length > 0);
  const anywhere = all.filter((f) => f.length >= WORD_ONLY_BELOW);
  const whole = all.filter((f) => f.length < WORD_ONLY_BELOW);
  if (all.length === 0) return () => false;
  const cache = new Map<string, boolean>();
  return (key) => {
    let hit = cache.get(key);
    if (hit === undefined) {
      const k = squash(key);
      hit = anywhere.some((f) => k.includes(f));
      if (!hit && whole.length > 0) {
        const ws = words(key);
        hit = whole.some((f) => wordRun(ws, f));
      }
      if (cache.size >= CACHE_LIMIT) cache.clear();
      cache.set(key, hit);
    }
    return hit;
  };
}
