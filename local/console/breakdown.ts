import type { AggregateReader } from '../../shared/adapters/aggregate-store.ts';
import { type QueryResult, summarize } from '../../shared/query/summarize.ts';

export interface BreakdownQuery {
  region: string;
  tenants: readonly string[];
  /** How far back, in ms. */
  sinceMs: number;
  top?: number;
  now?: () => number;
}

/**
 * Totals per service and level and the top message patterns of the served region's tenants over the recent
 * past, read from the aggregate table as `sluice query` reads it.
 */
export async function readBreakdown(reader: AggregateReader, q: BreakdownQuery): Promise<QueryResult> {
  const to = (q.now ?? Date.now)() + 1;
  const from = to - q.sinceMs;
  const parts = await Promise.all(
    q.tenants.map((tenant) => reader.read({ region: q.region, tenant, from, to })),
  );
  return summarize(
    { tenant: q.tenants.join(','), from, to, regions: [q.region] },
    parts.flatMap((p) => p.counts),
    parts.flatMap((p) => p.patterns),
    q.top ?? 10,
  );
}
