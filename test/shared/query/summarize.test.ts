import { describe, expect, it } from 'vitest';
import { createMemoryAggregateStore } from '../../../shared/adapters/aggregate-store.ts';
import { countItem, patternItem } from '../../../shared/process/aggregate-items.ts';
import { queryAggregates } from '../../../shared/query/query.ts';
import { T0 } from '../../helpers/records.ts';

const opts = (region: string) => ({ region, windowSeconds: 60, ttlDays: 30 });
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
    const apply = (item: Parameters<typeof store.apply>[0]) => store.apply(item, undefined, undefined);
    await apply(countItem(count('eu', 'api', 3), opts('eu')));
    await apply(countItem(count('us', 'api', 4), opts('us')));
    await apply(countItem(count('eu', 'api', 100, T0 - 3_600_000), opts('eu')));
    for (const [region, n, example] of [
      ['eu', 5, 'b x'],
      ['us', 2, 'a x'],
    ] as const) {
      await apply(
        patternItem(
          { tenant: 'acme', region, service: 'api', windowStart: T0, template: 'x <num>', count: n, example },
          opts(region),
        ),
      );
    }
    await apply(
      patternItem(
        {
          tenant: 'acme',
          region: 'eu',
          service: 'api',
          windowStart: T0,
          template: 'y',
          count: 1,
          example: 'y',
        },
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
