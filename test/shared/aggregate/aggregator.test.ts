import { describe, expect, it } from 'vitest';
import { Aggregator, numericValue } from '../../../shared/aggregate/aggregator.ts';
import { countKeyId, patternKeyId } from '../../../shared/aggregate/keys.ts';
import { OTHER_TEMPLATE } from '../../../shared/aggregate/template.ts';
import { type AggregateConfig, aggregateSchema } from '../../../shared/config/schema.ts';
import { makeRecord, T0 } from '../../helpers/records.ts';

const aggregatorOf = (config: Record<string, unknown> = {}) =>
  new Aggregator(aggregateSchema.parse(config) as AggregateConfig);
const counts = (a: Aggregator) => [...a.result().counts.values()];
const patterns = (a: Aggregator) => [...a.result().patterns.values()];

describe('Aggregator counts', () => {
  it('counts records and bytes per tenant, region, service, level and 60 s window by default', () => {
    const a = aggregatorOf();
    a.add(makeRecord({ timestamp: T0 + 1_000 }), 100);
    a.add(makeRecord({ timestamp: T0 + 59_999 }), 50);
    a.add(makeRecord({ timestamp: T0 + 60_000 }), 10);
    a.add(makeRecord({ timestamp: T0, level: 'error' }), 7);
    a.add(makeRecord({ timestamp: T0, service: 'auth' }), 3);
    a.add(makeRecord({ timestamp: T0, tenant: 'globex' }), 1);
    expect(counts(a)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          service: 'checkout',
          level: 'info',
          windowStart: T0,
          count: 2,
          bytes: 150,
        }),
        expect.objectContaining({ service: 'checkout', level: 'info', windowStart: T0 + 60_000, count: 1 }),
        expect.objectContaining({ level: 'error', windowStart: T0, count: 1, bytes: 7 }),
        expect.objectContaining({ service: 'auth', count: 1, bytes: 3 }),
        expect.objectContaining({ tenant: 'globex', count: 1, bytes: 1 }),
      ]),
    );
    expect(counts(a)).toHaveLength(5);
  });

  it('aligns windows to windowSeconds', () => {
    const a = aggregatorOf({ windowSeconds: 300 });
    a.add(makeRecord({ timestamp: T0 + 299_999 }), 1);
    a.add(makeRecord({ timestamp: T0 + 300_000 }), 1);
    expect(counts(a).map((c) => c.windowStart)).toEqual([T0, T0 + 300_000]);
  });

  it('groups by extra dims, stringified, with "-" for a missing value', () => {
    const a = aggregatorOf({ groupBy: ['attributes.http.status', 'attributes.route'] });
    a.add(makeRecord({ attributes: { http: { status: 500 }, route: '/pay' } }), 1);
    a.add(makeRecord({ attributes: { http: { status: '500' }, route: '/pay' } }), 1);
    a.add(makeRecord({ attributes: { http: { status: 200 } } }), 1);
    expect(counts(a).map((c) => [c.dims, c.count])).toEqual([
      [{ 'attributes.http.status': '500', 'attributes.route': '/pay' }, 2],
      [{ 'attributes.http.status': '200', 'attributes.route': '-' }, 1],
    ]);
  });

  it('keys every aggregate by countKeyId / patternKeyId', () => {
    const a = aggregatorOf({ groupBy: ['attributes.route', 'attributes.a'] });
    a.add(makeRecord({ service: 'we#ird', message: 'x 1', attributes: { route: '/a#1', a: 1 } }), 1);
    a.add(makeRecord({ level: 'warn', message: 'y', attributes: {} }), 1);
    for (const [id, c] of a.result().counts) expect(id).toBe(countKeyId(c));
    for (const [id, p] of a.result().patterns) expect(id).toBe(patternKeyId(p));
  });

  it('summarises stats fields (numbers and numeric strings) with count, sum, min, max', () => {
    const a = aggregatorOf({ stats: ['attributes.duration_ms', 'attributes.size'] });
    for (const duration of [12, '30.5', 7, 'n/a', '', null, '12ms', true]) {
      a.add(makeRecord({ attributes: { duration_ms: duration } }), 1);
    }
    const [c] = counts(a);
    expect(c!.count).toBe(8);
    expect(c!.stats).toEqual({ 'attributes.duration_ms': { count: 3, sum: 49.5, min: 7, max: 30.5 } });
  });

  it('reads numeric values strictly', () => {
    expect([1, -2.5, '3', '-4.5', '1e3', '.5'].map(numericValue)).toEqual([1, -2.5, 3, -4.5, 1000, 0.5]);
    for (const bad of [
      '',
      ' ',
      ' 3',
      '0x10',
      'Infinity',
      'NaN',
      Number.NaN,
      Number.POSITIVE_INFINITY,
      {},
      true,
    ]) {
      expect(numericValue(bad)).toBeUndefined();
    }
  });
});

describe('Aggregator patterns', () => {
  it('counts templates per service and window with the smallest masked example', () => {
    const a = aggregatorOf();
    a.add(makeRecord({ message: 'user <email:bb> paid 20' }), 1);
    a.add(makeRecord({ message: 'user <email:aa> paid 35' }), 1);
    a.add(makeRecord({ message: 'user <email:cc> paid 1' }), 1);
    a.add(makeRecord({ message: 'user <email:aa> paid 35', service: 'auth' }), 1);
    a.add(makeRecord({ message: 'user <email:aa> paid 35', timestamp: T0 + 60_000 }), 1);
    expect(patterns(a)).toEqual([
      {
        tenant: 'acme',
        region: 'eu',
        service: 'checkout',
        windowStart: T0,
        template: 'user <email> paid <num>',
        count: 3,
        example: 'user <email:aa> paid 35',
        distinct: expect.any(Array),
      },
      expect.objectContaining({ service: 'auth', count: 1 }),
      expect.objectContaining({ windowStart: T0 + 60_000, count: 1 }),
    ]);
    // three distinct messages made the checkout template: its sketch holds three hashes
    expect(patterns(a)[0]!.distinct).toHaveLength(3);
  });

  it('caps distinct templates per service and window, counting the overflow under <other>', () => {
    const a = aggregatorOf({ patterns: { maxPerWindow: 3 } });
    const words = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta'];
    for (const w of words) for (let i = 0; i < 2; i++) a.add(makeRecord({ message: `${w} ${i}` }), 1);
    a.add(makeRecord({ message: 'alpha 9', service: 'auth' }), 1);
    const checkout = patterns(a).filter((p) => p.service === 'checkout');
    expect(checkout.map((p) => [p.template, p.count])).toEqual([
      ['alpha <num>', 2],
      ['beta <num>', 2],
      ['gamma <num>', 2],
      [OTHER_TEMPLATE, 6],
    ]);
    expect(checkout.find((p) => p.template === OTHER_TEMPLATE)!.example).toBe('delta 0');
    expect(patterns(a).filter((p) => p.service === 'auth')).toHaveLength(1);
  });

  it('can be turned off', () => {
    const a = aggregatorOf({ patterns: { enabled: false } });
    a.add(makeRecord(), 1);
    expect(patterns(a)).toEqual([]);
    expect(counts(a)).toHaveLength(1);
  });

  it('bounds examples to a fixed length', () => {
    const a = aggregatorOf();
    a.add(makeRecord({ message: `x ${'y'.repeat(10_000)}` }), 1);
    expect(patterns(a)[0]!.example.length).toBeLessThanOrEqual(400);
  });
});

describe('Aggregator bounds', () => {
  it('stores a 450 KB service or dimension value as a short digest, the same for the same value', () => {
    const a = aggregatorOf({ groupBy: ['attributes.route'] });
    const huge = 'x'.repeat(450_000);
    a.add(makeRecord({ service: huge, attributes: { route: huge } }), 1);
    a.add(makeRecord({ service: huge, attributes: { route: huge } }), 1);
    const counts = [...a.result().counts.values()];
    expect(counts).toHaveLength(1);
    expect(counts[0]!.count).toBe(2);
    expect(counts[0]!.service).toMatch(/^<long:[\w-]{12}>$/);
    expect(counts[0]!.dims['attributes.route']).toMatch(/^<long:[\w-]{12}>$/);
    expect(JSON.stringify([...a.result().patterns.values()]).length).toBeLessThan(2000);
  });

  it('aggregates out-of-bounds event times at the receive time and counts them', () => {
    const a = aggregatorOf();
    const receivedAt = T0 + 30_000;
    const ingest = { receivedAt };
    a.add(makeRecord({ timestamp: -8.64e15, ingest }), 1);
    a.add(makeRecord({ timestamp: 8.64e15, ingest }), 1);
    a.add(makeRecord({ timestamp: receivedAt - 3 * 86_400_000, ingest }), 1);
    const windows = [...a.result().counts.values()].map((c) => [c.windowStart, c.count]);
    expect(windows.sort()).toEqual([
      [T0 - 3 * 86_400_000, 1],
      [T0, 2],
    ]);
    expect(a.clampedTimestamps).toBe(2);
  });
});
