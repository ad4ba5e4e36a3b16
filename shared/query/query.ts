import type { AggregateReader } from '../adapters/aggregate-store.ts';
import { type QueryResult, summarize } from './summarize.ts';

export interface AggregateQueryInput {
  tenant: string;
  /** Epoch ms, inclusive: windows starting at or after it. */
  from: number;
  /** Epoch ms, exclusive. */
  to: number;
  /** Residency regions to sum (config keys). Any replica of the global table holds every region's items. */
  regions: readonly string[];
  /** Patterns to return (default 10). */
  top?: number;
}

/** Totals per service and level and the top patterns of a tenant and range, summed across regions. */
export async function queryAggregates(reader: AggregateReader, q: AggregateQueryInput): Promise<QueryResult> {
  if (!(q.from < q.to)) throw new RangeError('query range is empty: from must be before to');
  const parts = await Promise.all(
    q.regions.map((region) => reader.read({ region, tenant: q.tenant, from: q.from, to: q.to })),
  );
  return summarize(
    { tenant: q.tenant, from: q.from, to: q.to, regions: [...q.regions] },
    parts.flatMap((p) => p.counts),
    parts.flatMap((p) => p.patterns),
    q.top,
  );
}
