import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countKeyId, escapeKeyPart, patternKeyId } from '../../../shared/aggregate/keys.ts';
import type { CountKey } from '../../../shared/aggregate/types.ts';
import { LEVEL_NAMES } from '../../../shared/config/schema.ts';

const countKey = fc.record({
  tenant: fc.string({ maxLength: 8 }),
  region: fc.constantFrom('eu', 'us'),
  service: fc.string({ maxLength: 8 }),
  level: fc.constantFrom(...LEVEL_NAMES),
  windowStart: fc.nat(),
  dims: fc.dictionary(
    fc.constantFrom('attributes.http.status', 'attributes.route', 'host'),
    fc.string({ maxLength: 6 }),
  ),
}) satisfies fc.Arbitrary<CountKey>;

describe('aggregate ids', () => {
  it('are readable and start with the region (IAM LeadingKeys)', () => {
    expect(
      countKeyId({
        tenant: 'acme',
        region: 'eu',
        service: 'check#out',
        level: 'info',
        windowStart: 60_000,
        dims: { 'attributes.route': '/a#b', 'attributes.http.status': '500' },
      }),
    ).toBe('eu#c#acme#check%23out#60000#info#attributes.http.status=500#attributes.route=/a%23b');
    expect(
      patternKeyId({
        tenant: 'acme',
        region: 'eu',
        service: 'api',
        windowStart: 0,
        template: 'a # <num> 100%',
      }),
    ).toBe('eu#p#acme#api#0#a %23 <num> 100%25');
  });

  it('are injective: different keys never share an id, whatever their text holds', () => {
    fc.assert(
      fc.property(countKey, countKey, (a, b) => {
        const same =
          a.tenant === b.tenant &&
          a.region === b.region &&
          a.service === b.service &&
          a.level === b.level &&
          a.windowStart === b.windowStart &&
          JSON.stringify(Object.entries(a.dims).sort()) === JSON.stringify(Object.entries(b.dims).sort());
        expect(countKeyId(a) === countKeyId(b)).toBe(same);
      }),
      { numRuns: 300 },
    );
  });

  it('do not depend on the order of dims', () => {
    const key: CountKey = {
      tenant: 't',
      region: 'eu',
      service: 's',
      level: 'warn',
      windowStart: 0,
      dims: {},
    };
    expect(countKeyId({ ...key, dims: { b: '2', a: '1' } })).toBe(
      countKeyId({ ...key, dims: { a: '1', b: '2' } }),
    );
  });

  it('escape parts reversibly, never leaving a separator inside', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const escaped = escapeKeyPart(s);
        expect(escaped).not.toContain('#');
        expect(escaped.replaceAll('%23', '#').replaceAll('%25', '%')).toBe(s);
      }),
    );
  });
});
