import { createHash } from 'node:crypto';

/**
 * Ingestion keys whose plaintext is public: documentation examples (the example config's `test` and `test2`),
 * defaults and the most common guesses. An endpoint guarded by one of them is open to anyone.
 */
const WELL_KNOWN_KEYS = [
  '',
  'test',
  'test1',
  'test2',
  'testing',
  'changeme',
  'change-me',
  'password',
  'secret',
  'example',
  'admin',
  'default',
  'key',
  'apikey',
  'api-key',
  'sluice',
  'local',
  'dev',
  '123456',
  '12345678',
  'foo',
  'bar',
] as const;

const BY_HASH: ReadonlyMap<string, string> = new Map(
  WELL_KNOWN_KEYS.map((k) => [createHash('sha256').update(k, 'utf8').digest('hex'), k]),
);

/** The public plaintext whose SHA-256 (hex) this is, or undefined for a key nobody can guess from a list. */
export function wellKnownKey(sha256Hex: string): string | undefined {
  return BY_HASH.get(sha256Hex.toLowerCase());
}
