import type { CountAggregate, PatternAggregate, Stat } from '../aggregate/types.ts';
import type { Level } from '../record/level.ts';
import { LEVEL_RANK } from '../record/level.ts';

/** Totals of one service and level over the queried range, summed across regions and windows. */
export interface ServiceLevelTotal {
  service: string;
  level: Level;
  count: number;
  bytes: number;
  stats: Record<string, Stat>;
}

export interface PatternTotal {
  service: string;
  template: string;
  count: number;
  example: string;
}

export interface QueryResult {
  tenant: string;
  from: number;
  to: number;
  regions: string[];
  total: { count: number; bytes: number };
  /** Records per region: where the data was processed (and stays). */
  byRegion: Record<string, number>;
  /** By service, then level severity (most severe first). */
  totals: ServiceLevelTotal[];
  /** Most frequent templates first (ties by service, then template). */
  patterns: PatternTotal[];
}

function mergeStat(a: Stat | undefined, b: Stat): Stat {
  if (!a) return { ...b };
  return {
    count: a.count + b.count,
    sum: a.sum + b.sum,
    min: Math.min(a.min, b.min),
    max: Math.max(a.max, b.max),
  };
}

/**
 * Sums aggregates read from every region's own items. Each region writes only its items, so summing never counts
 * an increment twice and never loses one to last-writer-wins. Pure: the reader does the I/O.
 */
export function summarize(
  input: { tenant: string; from: number; to: number; regions: string[] },
  counts: readonly CountAggregate[],
  patterns: readonly PatternAggregate[],
  top = 10,
): QueryResult {
  const totals = new Map<string, ServiceLevelTotal>();
  const byRegion: Record<string, number> = Object.fromEntries(input.regions.map((r) => [r, 0]));
  let count = 0;
  let bytes = 0;
  for (const c of counts) {
    const k = `${c.service}\u0000${c.level}`;
    let t = totals.get(k);
    if (!t) {
      t = { service: c.service, level: c.level, count: 0, bytes: 0, stats: {} };
      totals.set(k, t);
    }
    t.count += c.count;
    t.bytes += c.bytes;
    for (const [f, s] of Object.entries(c.stats)) t.stats[f] = mergeStat(t.stats[f], s);
    byRegion[c.region] = (byRegion[c.region] ?? 0) + c.count;
    count += c.count;
    bytes += c.bytes;
  }
  const pats = new Map<string, PatternTotal>();
  for (const p of patterns) {
    const k = `${p.service}\u0000${p.template}`;
    const t = pats.get(k);
    if (!t) pats.set(k, { service: p.service, template: p.template, count: p.count, example: p.example });
    else {
      t.count += p.count;
      if (p.example < t.example) t.example = p.example;
    }
  }
  return {
    ...input,
    total: { count, bytes },
    byRegion,
    totals: [...totals.values()].sort(
      (a, b) => a.service.localeCompare(b.service) || LEVEL_RANK[b.level] - LEVEL_RANK[a.level],
    ),
    patterns: [...pats.values()]
      .sort(
        (a, b) =>
          b.count - a.count || a.service.localeCompare(b.service) || a.template.localeCompare(b.template),
      )
      .slice(0, top),
  };
}
