import { createHmac } from 'node:crypto';
import { numericValue } from '../aggregator.ts';
import { numberRange as numberRangeOf } from './round.ts';

/** What a value outside an allow-list, or without a key to hash it with, replicates as. */
export const OTHER_VALUE = '<other>';
/** Missing dimension (the aggregator's `-`): carries no data. */
const MISSING = '-';

export interface DimensionRules {
  /** Service names that replicate as they are; undefined = none (every service is hashed). */
  services?: ReadonlySet<string>;
  /** Allow-lists per groupBy field; a field without one has its values hashed (numbers: ranged). */
  values: ReadonlyMap<string, ReadonlySet<string>>;
  /** The tenant's HMAC key: without it, values that would be hashed replicate as `<other>`. */
  key?: Uint8Array;
}

/** 48 bits of HMAC-SHA256(key, field \0 value): stable per tenant, not reversible without the key. */
function keyed(key: Uint8Array | undefined, field: string, value: string): string {
  if (!key) return OTHER_VALUE;
  return `#${createHmac('sha256', key).update(`${field}\0${value}`).digest('base64url').slice(0, 8)}`;
}

export function safeService(service: string, rules: DimensionRules): string {
  if (rules.services) return rules.services.has(service) ? service : OTHER_VALUE;
  return keyed(rules.key, 'service', service);
}

/** Numbers (JSON or numeric strings) → their range; strings → allow-list, else keyed hash. */
export function safeDimension(field: string, value: string, rules: DimensionRules): string {
  if (value === MISSING || value === OTHER_VALUE) return value;
  const allowed = rules.values.get(field);
  if (allowed) return allowed.has(value) ? value : OTHER_VALUE;
  const n = numericValue(value);
  if (n !== undefined) return numberRangeOf(n);
  return keyed(rules.key, field, value);
}
