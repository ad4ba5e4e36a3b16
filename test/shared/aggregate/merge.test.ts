import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Aggregator } from '../../../shared/aggregate/aggregator.ts';
import { countKeyId, patternKeyId } from '../../../shared/aggregate/keys.ts';
import { mergeAggregates } from '../../../shared/aggregate/merge.ts';
import {
  type AggregateSet,
  type CountAggregate,
  emptyAggregateSet,
  type PatternAggregate,
} from '../../../shared/aggregate/types.ts';
import { type AggregateConfig, aggregateSchema, LEVEL_NAMES } from '../../../shared/config/schema.ts';
import type { LogRecord } from '../../../shared/record/record.ts';
import { makeRecord, T0 } from '../../helpers/records.ts';

/** Order-independent view of a set, for equality. */
const canonical = (set: AggregateSet) => ({
  counts: [...set.counts.entries()].sort(([a], [b]) => (a < b ? -1 : 1)),
  patterns: [...set.patterns.entries()].sort(([a], [b]) => (a < b ? -1 : 1)),
});

// Small domains, so that generated partial sets share keys.
const stat = fc
  .tuple(fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: -1000, max: 1000 }), fc.nat({ max: 50 }))
  .map(([x, y, extra]) => ({
    count: 2 + extra,
    sum: x + y + extra * x,
    min: Math.min(x, y),
    max: Math.max(x, y),
  }));
const countAggregate: fc.Arbitrary<CountAggregate> = fc.record({
  tenant: fc.constantFrom('acme', 'globex'),
  region: fc.constantFrom('eu', 'us'),
  service: fc.constantFrom('api', 'db'),
  level: fc.constantFrom(...LEVEL_NAMES),
  windowStart: fc.constantFrom(T0, T0 + 60_000),
  dims: fc.constantFrom<Record<string, string>>({}, { route: '/a' }, { route: '-' }),
  count: fc.integer({ min: 1, max: 1000 }),
  bytes: fc.nat({ max: 1e6 }),
  stats: fc.dictionary(fc.constantFrom('ms', 'size'), stat),
});
const patternAggregate: fc.Arbitrary<PatternAggregate> = fc.record({
  tenant: fc.constantFrom('acme', 'globex'),
  region: fc.constantFrom('eu', 'us'),
  service: fc.constantFrom('api', 'db'),
  windowStart: fc.constantFrom(T0, T0 + 60_000),
  template: fc.constantFrom('a <num>', 'b <id>', '<other>'),
  count: fc.integer({ min: 1, max: 1000 }),
  example: fc.string({ maxLength: 5 }),
});
const aggregateSet: fc.Arbitrary<AggregateSet> = fc
  .tuple(fc.array(countAggregate, { maxLength: 12 }), fc.array(patternAggregate, { maxLength: 12 }))
  .map(([cs, ps]) => {
    // Build through merge of singletons so each generated set is internally consistent (one entry per id).
    let set = emptyAggregateSet();
    for (const c of cs)
      set = mergeAggregates(set, { counts: new Map([[countKeyId(c), c]]), patterns: new Map() });
    for (const p of ps)
      set = mergeAggregates(set, { counts: new Map(), patterns: new Map([[patternKeyId(p), p]]) });
    return set;
  });

describe('mergeAggregates', () => {
  it('is commutative', () => {
    fc.assert(
      fc.property(aggregateSet, aggregateSet, (a, b) => {
        expect(canonical(mergeAggregates(a, b))).toEqual(canonical(mergeAggregates(b, a)));
      }),
      { numRuns: 200 },
    );
  });

  it('is associative', () => {
    fc.assert(
      fc.property(aggregateSet, aggregateSet, aggregateSet, (a, b, c) => {
        expect(canonical(mergeAggregates(mergeAggregates(a, b), c))).toEqual(
          canonical(mergeAggregates(a, mergeAggregates(b, c))),
        );
      }),
      { numRuns: 200 },
    );
  });

  it('has the empty set as identity and leaves its inputs untouched', () => {
    fc.assert(
      fc.property(aggregateSet, aggregateSet, (a, b) => {
        const before = JSON.stringify([canonical(a), canonical(b)]);
        expect(canonical(mergeAggregates(a, emptyAggregateSet()))).toEqual(canonical(a));
        const merged = mergeAggregates(a, b);
        for (const c of merged.counts.values()) {
          c.count += 1;
          for (const s of Object.values(c.stats)) s.sum += 1;
        }
        for (const p of merged.patterns.values()) p.count += 1;
        expect(JSON.stringify([canonical(a), canonical(b)])).toBe(before);
      }),
      { numRuns: 100 },
    );
  });

  it('adds counts, bytes and stats; keeps extreme min/max and the smallest example', () => {
    const key = {
      tenant: 'acme',
      region: 'eu',
      service: 'api',
      level: 'info',
      windowStart: T0,
      dims: {},
    } as const;
    const a: CountAggregate = {
      ...key,
      count: 2,
      bytes: 10,
      stats: { ms: { count: 2, sum: 5, min: 1, max: 4 } },
    };
    const b: CountAggregate = {
      ...key,
      count: 3,
      bytes: 5,
      stats: { ms: { count: 3, sum: 30, min: 2, max: 20 }, size: { count: 1, sum: 9, min: 9, max: 9 } },
    };
    const p = { tenant: 'acme', region: 'eu', service: 'api', windowStart: T0, template: 't <num>' };
    const merged = mergeAggregates(
      { counts: new Map([['k', a]]), patterns: new Map([['p', { ...p, count: 1, example: 't 9' }]]) },
      { counts: new Map([['k', b]]), patterns: new Map([['p', { ...p, count: 4, example: 't 10' }]]) },
    );
    expect(merged.counts.get('k')).toEqual({
      ...key,
      count: 5,
      bytes: 15,
      stats: { ms: { count: 5, sum: 35, min: 1, max: 20 }, size: { count: 1, sum: 9, min: 9, max: 9 } },
    });
    expect(merged.patterns.get('p')).toEqual({ ...p, count: 5, example: 't 10' });
  });
});

describe('aggregating in chunks then merging', () => {
  const config = aggregateSchema.parse({
    windowSeconds: 10,
    groupBy: ['attributes.route'],
    stats: ['attributes.ms'],
  }) as AggregateConfig;
  const record: fc.Arbitrary<LogRecord> = fc
    .record({
      offset: fc.nat({ max: 40_000 }),
      service: fc.constantFrom('api', 'db'),
      level: fc.constantFrom('info', 'warn', 'error'),
      word: fc.constantFrom('paid', 'failed', 'retry', 'timeout'),
      n: fc.nat({ max: 999 }),
      user: fc.constantFrom('<email:1a>', '<email:ff>', '<email>'),
      route: fc.option(fc.constantFrom('/a', '/b'), { nil: undefined }),
      ms: fc.oneof(fc.integer({ min: -50, max: 5000 }), fc.nat({ max: 99 }).map(String), fc.constant('x')),
    })
    .map((r) =>
      makeRecord({
        timestamp: T0 + r.offset,
        service: r.service,
        level: r.level,
        message: `${r.word} for ${r.user} after ${r.n} tries`,
        attributes: { ms: r.ms, ...(r.route === undefined ? {} : { route: r.route }) },
      }),
    );
  const aggregate = (records: readonly LogRecord[], cfg = config) => {
    const a = new Aggregator(cfg);
    for (const r of records) a.add(r, r.message.length);
    return a.result();
  };
  const chunked = fc
    .tuple(fc.array(record, { maxLength: 80 }), fc.array(fc.nat(), { maxLength: 6 }))
    .map(([records, cuts]) => {
      const points = [...new Set(cuts.map((c) => c % (records.length + 1)))].sort((a, b) => a - b);
      const chunks: LogRecord[][] = [];
      let from = 0;
      for (const p of [...points, records.length]) {
        chunks.push(records.slice(from, p));
        from = p;
      }
      return { records, chunks };
    });

  it('equals aggregating the whole stream at once, in any merge order', () => {
    fc.assert(
      fc.property(chunked, fc.boolean(), ({ records, chunks }, reverse) => {
        const parts = chunks.map((c) => aggregate(c));
        if (reverse) parts.reverse();
        const merged = parts.reduce(mergeAggregates, emptyAggregateSet());
        expect(canonical(merged)).toEqual(canonical(aggregate(records)));
      }),
      { numRuns: 150 },
    );
  });

  it('keeps per-window totals equal even when the pattern cap is hit in a chunk', () => {
    const capped = aggregateSchema.parse({
      windowSeconds: 3600,
      patterns: { maxPerWindow: 2 },
    }) as AggregateConfig;
    fc.assert(
      fc.property(chunked, ({ records, chunks }) => {
        const total = (set: AggregateSet) => [...set.patterns.values()].reduce((n, p) => n + p.count, 0);
        const merged = chunks.map((c) => aggregate(c, capped)).reduce(mergeAggregates, emptyAggregateSet());
        expect(total(merged)).toBe(records.length);
        expect(total(aggregate(records, capped))).toBe(records.length);
      }),
      { numRuns: 50 },
    );
  });
});
