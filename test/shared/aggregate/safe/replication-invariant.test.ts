import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMemoryAggregateStore, toAggregates } from '../../../../shared/adapters/aggregate-store.ts';
import { globalItemOf } from '../../../../shared/adapters/rollup-store.ts';
import { Aggregator } from '../../../../shared/aggregate/aggregator.ts';
import { dimensionRules, rollupWindow } from '../../../../shared/aggregate/safe/rollup.ts';
import type { CountAggregate, PatternAggregate } from '../../../../shared/aggregate/types.ts';
import { aggregateSchema } from '../../../../shared/config/schema.ts';
import { type AggregateItem, addItems } from '../../../../shared/process/aggregate-items.ts';
import type { LogRecord } from '../../../../shared/record/record.ts';
import { makeRecord, T0 } from '../../../helpers/records.ts';

/**
 * The replication invariant (docs/residency.md): with no masker at all, no value of any record reaches the global
 * table, only the config's own literals (allow-lists, field names), placeholders, hashes, ranges and counts. The
 * records go the real way: Aggregator → bucket items → regional store (memory, same layout) → roll-up → the
 * global item as written.
 */
const config = aggregateSchema.parse({
  windowSeconds: 60,
  services: ['checkout', 'search'],
  groupBy: ['attributes.route', { field: 'attributes.color', values: ['red', 'blue'] }, 'attributes.code'],
  stats: ['attributes.amount'],
});
const key = new TextEncoder().encode('test-hmac-key-of-the-tenant');

/** Secrets: 8-16 characters, letters and digits, each used by exactly one record (repeated up to 6 times). */
const secretArb = fc.stringMatching(/^[a-z][a-z0-9]{7,15}$/);
const numberArb = fc
  .integer({ min: 1_000_000_001, max: Number.MAX_SAFE_INTEGER })
  .filter((n) => n % 1000 !== 0);
type Place = 'word' | 'kv' | 'quoted' | 'glued' | 'service' | 'route' | 'color' | 'code' | 'bracket' | 'key';
const places: Place[] = [
  'word',
  'kv',
  'quoted',
  'glued',
  'service',
  'route',
  'color',
  'code',
  'bracket',
  'key',
];

/** `r`: the repeat; where it varies the message, a secret reaches ≥ K distinct messages, so word shapes must hold. */
function recordFor(secret: string, amount: number, where: Place, i: number, r: number): LogRecord {
  const message = {
    word: `login failed for ${secret} today`,
    kv: `login failed user=${secret} password=${secret}x attempt ${r}`,
    quoted: `lookup "${secret}" missed ${r} times`,
    glued: `cache ${secret}@host-${i} evicted after ${r} s`,
    bracket: `handled <${secret}> fine`,
    service: 'request served',
    route: 'request served',
    color: 'request served',
    code: 'request served',
    key: 'request served',
  }[where];
  return makeRecord({
    timestamp: T0 + (i % 120) * 1000,
    service: where === 'service' ? secret : i % 2 ? 'checkout' : 'search',
    message,
    attributes: {
      route: where === 'route' ? secret : '/api/orders',
      color: where === 'color' ? secret : 'red',
      code: where === 'code' ? amount : 200,
      amount,
      ...(where === 'key' && { [secret]: secret }),
    },
  });
}

function globalItems(records: readonly LogRecord[], batches: number): string {
  const store = createMemoryAggregateStore();
  const size = Math.ceil(records.length / batches);
  return (async () => {
    for (let b = 0; b < records.length; b += size) {
      const agg = new Aggregator(config);
      for (const r of records.slice(b, b + size)) agg.add(r, 100);
      const items = new Map<string, AggregateItem>();
      addItems(items, agg.result(), {
        region: 'eu',
        shardId: `shard-${b % 2}`,
        windowSeconds: 60,
        ttlDays: 30,
      });
      for (const item of items.values()) await store.apply(item, undefined, undefined);
    }
    const byWindow = new Map<number, { counts: CountAggregate[]; patterns: PatternAggregate[] }>();
    for (const raw of store.items.values()) {
      const a = toAggregates(raw);
      const w = Number(raw.windowStart);
      const into = byWindow.get(w) ?? { counts: [], patterns: [] };
      into.counts.push(...a.counts);
      into.patterns.push(...a.patterns);
      byWindow.set(w, into);
    }
    const out = [...byWindow].map(([w, a]) =>
      globalItemOf(
        'eu',
        { tenant: 'acme', windowStart: w, windowSeconds: 60, expiresAt: 0 },
        rollupWindow(a.counts, a.patterns, config, dimensionRules(config, key)),
        1,
      ),
    );
    return JSON.stringify(out);
  })() as unknown as string;
}

describe('replication invariant', () => {
  it('no record value reaches the global table, whatever the masker missed', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(
          fc.tuple(secretArb, numberArb, fc.constantFrom(...places), fc.integer({ min: 1, max: 7 })),
          {
            minLength: 1,
            maxLength: 40,
            selector: ([s]) => s,
          },
        ),
        fc.integer({ min: 1, max: 4 }),
        async (cases, batches) => {
          const records: LogRecord[] = [];
          cases.forEach(([secret, amount, where, repeats], i) => {
            for (let r = 0; r < repeats; r++) records.push(recordFor(secret, amount, where, i, r));
          });
          const written = await globalItems(records, batches);
          for (const [secret, amount] of cases) {
            expect(written).not.toContain(secret);
            expect(written).not.toContain(String(amount));
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('still publishes what is not data: allow-listed values, counts and templates of ≥ K distinct messages', async () => {
    const records = Array.from({ length: 12 }, (_, i) =>
      makeRecord({
        timestamp: T0,
        service: 'checkout',
        message: `GET /api/orders took ${i} ms`,
        attributes: { route: '/api/orders', color: 'red', code: 204, amount: 10 },
      }),
    );
    records.push(makeRecord({ timestamp: T0, service: 'checkout', message: 'rare event for hunter' }));
    const written = JSON.parse(await globalItems(records, 2)) as Record<string, unknown>[];
    const text = JSON.stringify(written);
    expect(text).toContain('GET /api/orders took <num> ms');
    expect(text).not.toContain('hunter');
    expect(text).toContain('\\"red\\"');
    expect(text).toContain('200..300');
    const counts = Object.entries(written[0]!).filter(([k]) => /^c\..*\.n$/.test(k));
    expect(counts.reduce((s, [, v]) => s + Number(v), 0)).toBe(13);
  });
});
