import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { wellKnownKey } from '../../../shared/config/well-known-keys.ts';

const hex = (s: string) => createHash('sha256').update(s).digest('hex');

describe('wellKnownKey', () => {
  it("recognises the example config's test and test2, and common defaults, in either case of hex", () => {
    expect(wellKnownKey('9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08')).toBe('test');
    expect(wellKnownKey(hex('test2').toUpperCase())).toBe('test2');
    expect(wellKnownKey(hex('changeme'))).toBe('changeme');
    expect(wellKnownKey(hex(''))).toBe('');
  });

  it('does not flag a random key', () => {
    expect(wellKnownKey(hex('k3y-7c1f0b9e4a2d'))).toBeUndefined();
  });
});
