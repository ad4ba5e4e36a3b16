import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MalformedBodyError } from '../../../../shared/ingest/errors.ts';
import { parseLabels } from '../../../../shared/ingest/protocols/loki-labels.ts';

/** How Promtail/Alloy write a selector: Go's strconv.Quote for values. */
const selector = (labels: Record<string, string>) =>
  `{${Object.entries(labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(', ')}}`;

describe('parseLabels (Loki stream selector)', () => {
  it('reads back any labels written as a selector', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,15}$/), fc.string({ unit: 'grapheme' }), {
          maxKeys: 6,
        }),
        (labels) => {
          expect(parseLabels(selector(labels))).toEqual({ ...labels });
        },
      ),
      { numRuns: 500 },
    );
  });

  it('keeps __proto__ as data and refuses what is not a selector', () => {
    expect(Object.getPrototypeOf(parseLabels('{__proto__="x"}'))).toBe(Object.prototype);
    for (const bad of ['app="x"', '{app=x}', '{app="x"', '{="x"}', '{app="x" env="y"}', '{app!="x"}']) {
      expect(() => parseLabels(bad), bad).toThrow(MalformedBodyError);
    }
    expect(parseLabels('{}')).toEqual({});
  });
});
