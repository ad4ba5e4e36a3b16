import { createHash } from 'node:crypto';
import type { AggregateSet, CountAggregate, PatternAggregate, Stat } from '../aggregate/types.ts';

/**
 * Aggregate items of the global table. Each region writes only items whose pk starts with `<region>#` (IAM
 * LeadingKeys enforces it), so replicas never race on an item and readers sum across regions.
 *
 *   pk = <region>#<tenant>#<YYYY-MM-DD of the window>
 *   sk = c#<windowStart, 13 digits>#<hash of service, level, dims>      (counts, bytes, stats)
 *        p#<windowStart, 13 digits>#<hash of service, template>          (message patterns)
 *
 * The sort-key hash comes from the aggregate's fields (not from the aggregator's map key), so it survives changes
 * of the in-memory key format; the fields themselves are stored as attributes for readers.
 */
export interface ItemKey {
  pk: string;
  sk: string;
}

export interface CountItem extends ItemKey {
  kind: 'count';
  aggregate: CountAggregate;
  windowSeconds: number;
  /** DynamoDB TTL, epoch seconds: window end + ttlDays. */
  expiresAt: number;
}

export interface PatternItem extends ItemKey {
  kind: 'pattern';
  aggregate: PatternAggregate;
  windowSeconds: number;
  expiresAt: number;
}

export type AggregateItem = CountItem | PatternItem;

export interface ItemOptions {
  /** Residency region of the writer: every pk starts with it. */
  region: string;
  windowSeconds: number;
  ttlDays: number;
}

export function itemId(key: ItemKey): string {
  return `${key.pk}\n${key.sk}`;
}

const pad13 = (ms: number) => String(ms).padStart(13, '0');
const hash = (parts: unknown): string =>
  createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 22);

export function partitionKey(region: string, tenant: string, windowStart: number): string {
  return `${region}#${tenant}#${new Date(windowStart).toISOString().slice(0, 10)}`;
}

function expiry(windowStart: number, o: ItemOptions): number {
  return Math.floor((windowStart + o.windowSeconds * 1000) / 1000) + o.ttlDays * 86_400;
}

export function countItem(a: CountAggregate, o: ItemOptions): CountItem {
  const dims = Object.keys(a.dims)
    .sort()
    .map((k) => [k, a.dims[k]]);
  return {
    kind: 'count',
    pk: partitionKey(o.region, a.tenant, a.windowStart),
    sk: `c#${pad13(a.windowStart)}#${hash([a.service, a.level, dims])}`,
    aggregate: a,
    windowSeconds: o.windowSeconds,
    expiresAt: expiry(a.windowStart, o),
  };
}

export function patternItem(a: PatternAggregate, o: ItemOptions): PatternItem {
  return {
    kind: 'pattern',
    pk: partitionKey(o.region, a.tenant, a.windowStart),
    sk: `p#${pad13(a.windowStart)}#${hash([a.service, a.template])}`,
    aggregate: a,
    windowSeconds: o.windowSeconds,
    expiresAt: expiry(a.windowStart, o),
  };
}

export function mergeStat(a: Stat, b: Stat): Stat {
  return {
    count: a.count + b.count,
    sum: a.sum + b.sum,
    min: Math.min(a.min, b.min),
    max: Math.max(a.max, b.max),
  };
}

function mergeItem(a: AggregateItem, b: AggregateItem): AggregateItem {
  if (a.kind === 'count' && b.kind === 'count') {
    const stats: Record<string, Stat> = { ...a.aggregate.stats };
    for (const [f, s] of Object.entries(b.aggregate.stats)) stats[f] = stats[f] ? mergeStat(stats[f], s) : s;
    return {
      ...a,
      aggregate: {
        ...a.aggregate,
        count: a.aggregate.count + b.aggregate.count,
        bytes: a.aggregate.bytes + b.aggregate.bytes,
        stats,
      },
    };
  }
  if (a.kind === 'pattern' && b.kind === 'pattern') {
    return {
      ...a,
      aggregate: {
        ...a.aggregate,
        count: a.aggregate.count + b.aggregate.count,
        // biome-ignore lint/complexity/useMathMinMax: strings (lexicographic order), not numbers
        example: a.aggregate.example <= b.aggregate.example ? a.aggregate.example : b.aggregate.example,
      },
    };
  }
  throw new TypeError('cannot merge a count item with a pattern item');
}

/** Adds the items of `set` into `into` (keyed by `itemId`), merging items that share a key. */
export function addItems(into: Map<string, AggregateItem>, set: AggregateSet, o: ItemOptions): void {
  const add = (item: AggregateItem) => {
    const id = itemId(item);
    const prev = into.get(id);
    into.set(id, prev ? mergeItem(prev, item) : item);
  };
  for (const a of set.counts.values()) add(countItem(a, o));
  for (const a of set.patterns.values()) add(patternItem(a, o));
}
