import { createHash } from 'node:crypto';

/**
 * Longest service or dimension value (UTF-16 units) stored as it is, regional store included. Longer values are
 * replaced by `<long:…>` (a hash of the value) before any store: a client cannot make an aggregate item exceed
 * DynamoDB's 400 KB (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html#limits-items)
 * or one update its expression limits, so one record never fails its batch.
 */
export const MAX_VALUE_LENGTH = 128;

/** `value` if short enough, else a stable 12-character digest of it (same value → same aggregate). */
export function boundValue(value: string): string {
  if (value.length <= MAX_VALUE_LENGTH) return value;
  return `<long:${createHash('sha256').update(value).digest('base64url').slice(0, 12)}>`;
}
