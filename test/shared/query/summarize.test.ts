import { describe, expect, it } from 'vitest';
import { createMemoryAggregateStore } from '../../../shared/adapters/aggregate-store.ts';
import type { CountAggregate, PatternAggregate } from '../../../shared/aggregate/types.ts';
import { type AggregateItem, addItems } from '../../../shared/process/aggregate-items.ts';
import { queryAggregates } from '../../../shared/query/query.ts';
import { T0 } from '../../helpers/records.ts';

const opts = (region: string, shardId = 'shardId-000000000000') => ({
  region,
  shardId,
  windowSeconds: 60,
  ttlDays: 30,
});
/** The bucket items of some aggregates, as the processor of one shard would write them. */
function itemsOf(
  counts: CountAggregate[],
  patterns: PatternAggregate[],
  o: ReturnType<typeof opts>,
): AggregateItem[] {
  const items = new Map<string, AggregateItem>();
  addItems(
    items,
    {
      counts: new Map(counts.map((c, i) => [`c${i}`, c])),
      patterns: new Map(patterns.map((p, i) => [`p${i}`, p])),
    },
    o,
  );
  return [...items.values()];
}
const count = (region: string, service: string, n: number, windowStart = T0) => ({
  tenant: 'acme',
  region,
  service,
  level: 'error' as const,
  windowStart,
  dims: {},
  count: n,
  bytes: n * 100,
  stats: { 'attributes.ms': { count: n, sum: n * 2, min: 1, max: n } },
});

describe('queryAggregates', () => {
  it('sums each region’s own items, keeps the range, and ranks patterns', async () => {
    const store = createMemoryAggregateStore();
    const apply = async (items: AggregateItem[]) => {
      for (const item of items) expect(await store.apply(item, undefined, undefined)).toBe('applied');
    };
    // eu's count comes from two shards: a reader sums the shards' items.
    await apply(itemsOf([count('eu', 'api', 1)], [], opts('eu', 'shardId-000000000001')));
    await apply(itemsOf([count('eu', 'api', 2)], [], opts('eu')));
    await apply(itemsOf([count('us', 'api', 4)], [], opts('us')));
    await apply(itemsOf([count('eu', 'api', 100, T0 - 3_600_000)], [], opts('eu')));
    for (const [region, n, example] of [
      ['eu', 5, 'b x'],
      ['us', 2, 'a x'],
    ] as const) {
      await apply(
        itemsOf(
          [],
          [
            {
              tenant: 'acme',
              region,
              service: 'api',
              windowStart: T0,
              template: 'x <num>',
              count: n,
              example,
            },
          ],
          opts(region),
        ),
      );
    }
    await apply(
      itemsOf(
        [],
        [
          {
            tenant: 'acme',
            region: 'eu',
            service: 'api',
            windowStart: T0,
            template: 'y',
            count: 1,
            example: 'y',
          },
        ],
        opts('eu'),
      ),
    );
    const r = await queryAggregates(store, {
      tenant: 'acme',
      from: T0 - 60_000,
      to: T0 + 60_000,
      regions: ['eu', 'us'],
    });
    expect(r.total.count).toBe(7);
    expect(r.byRegion).toEqual({ eu: 3, us: 4 });
    expect(r.totals).toEqual([
      {
        service: 'api',
        level: 'error',
        count: 7,
        bytes: 700,
        stats: { 'attributes.ms': { count: 7, sum: 14, min: 1, max: 4 } },
      },
    ]);
    expect(r.patterns.map((p) => [p.template, p.count, p.example])).toEqual([
      ['x <num>', 7, 'a x'],
      ['y', 1, 'y'],
    ]);
    await expect(
      queryAggregates(store, { tenant: 'acme', from: T0, to: T0, regions: ['eu'] }),
    ).rejects.toThrow(RangeError);
  });
});
