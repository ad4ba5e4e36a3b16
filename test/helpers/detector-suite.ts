/**
 * One describe block per new detector (test/shared/mask/detectors/*.test.ts): worked examples masked exactly,
 * look-alikes left exactly as they were, and the two properties — every generated valid value is masked inside a
 * sentence and counted under the detector's name; every generated broken value (failed check digit, missing
 * keyword, longer digit run) passes through untouched — all with the built-in defaults (every detector on).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskSchema } from '../../shared/config/schema.ts';
import { createMasker } from '../../shared/mask/masker.ts';
import { NEAR_MISS_IDS, type NewDetector, VALID_IDS } from './identifiers.ts';

const masker = createMasker(maskSchema.parse({}));

export function mask(text: string): { out: string; audit: Record<string, number> } {
  const audit: Record<string, number> = {};
  return { out: masker.maskText(text, audit), audit };
}

const sentence = (value: string) =>
  fc
    .tuple(
      fc.constantFrom('', 'user ', 'ERROR [billing] '),
      fc.constantFrom('', ' accepted', ', retry 3', '.'),
    )
    .map(([before, after]) => `${before}${value}${after}`);

export interface DetectorCases {
  /** `[input, expected output]` with the default masker. */
  masked: ReadonlyArray<readonly [string, string]>;
  /** Inputs that must come out unchanged, with an empty audit. */
  kept: readonly string[];
}

export function detectorSuite(name: NewDetector, cases: DetectorCases): void {
  describe(`detector ${name}`, () => {
    it.each(cases.masked)('masks %j', (input, expected) => {
      const { out, audit } = mask(input);
      expect(out).toBe(expected);
      expect(audit[name]).toBeGreaterThanOrEqual(1);
    });

    it.each(cases.kept)('keeps %j', (input) => {
      expect(mask(input)).toEqual({ out: input, audit: {} });
    });

    it('masks every generated valid value inside a sentence', () => {
      fc.assert(
        fc.property(
          VALID_IDS[name].chain((s) => sentence(s.text).map((text) => ({ text, secret: s.secret }))),
          ({ text, secret }) => {
            const { out, audit } = mask(text);
            expect(out).not.toContain(secret);
            expect(audit[name]).toBeGreaterThanOrEqual(1);
          },
        ),
      );
    });

    it('keeps every generated broken value (check digit, keyword, boundaries) inside a sentence', () => {
      fc.assert(
        fc.property(NEAR_MISS_IDS[name].chain(sentence), (text) => {
          expect(mask(text)).toEqual({ out: text, audit: {} });
        }),
      );
    });
  });
}
