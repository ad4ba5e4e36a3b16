import { createHash } from 'node:crypto';
import { mergeCount, mergePattern } from '../aggregate/merge.ts';
import type { AggregateSet, CountAggregate, PatternAggregate } from '../aggregate/types.ts';

/**
 * Aggregate items of the global table. Each region writes only items whose pk starts with `<region>#` (IAM
 * LeadingKeys enforces it), so replicas never race on an item and readers sum across regions.
 *
 *   pk = <region>#<tenant>#<YYYY-MM-DD of the window>
 *   sk = c#<windowStart, 13 digits>#<bucket>#<shardId>   count entries: count, bytes, stats per (service, level, dims)
 *        p#<windowStart, 13 digits>#<bucket>#<shardId>   pattern entries: count and example per (service, template)
 *
 * An item is a bucket: it holds every entry of its tenant and window whose entry id hashes to it, as top-level
 * attributes named after the entry id. A batch then costs at most COUNT_BUCKETS + PATTERN_BUCKETS UpdateItem calls
 * per (tenant, window), whatever the number of services, levels, dimensions and templates, instead of one per
 * aggregate. Each shard writes its own items: shards are processed one batch at a time, so an item has a single
 * writer and the guard (hw) alone protects it; min, max and examples need no per-attribute condition, which keeps
 * an update of ~100 entries within DynamoDB's 4 KB expression limit. Readers sum the shards' items. The buckets bound the item size: DynamoDB items hold at most 400 KB
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html#limits-items), and a pattern
 * entry holds at most ~650 bytes (template ≤ 200 + example ≤ 400 characters), so a pattern bucket fills only past
 * ~600 templates, ~19,000 per tenant, shard and window across the 32 buckets.
 */
export const COUNT_BUCKETS = 8;
export const PATTERN_BUCKETS = 32;

export interface ItemKey {
  pk: string;
  sk: string;
}

export interface AggregateItem extends ItemKey {
  tenant: string;
  /** Writer's residency region (the pk's prefix). */
  region: string;
  windowStart: number;
  windowSeconds: number;
  /** DynamoDB TTL, epoch seconds: window end + ttlDays. */
  expiresAt: number;
  /** The entries of this bucket, keyed by entry id (`entryId`). */
  entries: AggregateSet;
}

export interface ItemOptions {
  /** Residency region of the writer: every pk starts with it. */
  region: string;
  /** Kinesis shard of the batch: the item's only writer. */
  shardId: string;
  windowSeconds: number;
  ttlDays: number;
}

export function itemId(key: ItemKey): string {
  return `${key.pk}\n${key.sk}`;
}

const pad13 = (ms: number) => String(ms).padStart(13, '0');

/**
 * Entry id and bucket from the aggregate's own fields (not the aggregator's map key, so they survive changes of
 * the in-memory key format). 66 bits of SHA-256 in base64url: no `.`, so attribute names split unambiguously.
 */
function entryHash(parts: unknown, buckets: number): { id: string; bucket: number } {
  const digest = createHash('sha256').update(JSON.stringify(parts)).digest();
  return { id: digest.toString('base64url', 0, 9).slice(0, 11), bucket: digest[9]! % buckets };
}

export function countEntry(a: CountAggregate): { id: string; bucket: number } {
  const dims = Object.keys(a.dims)
    .sort()
    .map((k) => [k, a.dims[k]]);
  return entryHash([a.service, a.level, dims], COUNT_BUCKETS);
}

export function patternEntry(a: PatternAggregate): { id: string; bucket: number } {
  return entryHash([a.service, a.template], PATTERN_BUCKETS);
}

export function partitionKey(region: string, tenant: string, windowStart: number): string {
  return `${region}#${tenant}#${new Date(windowStart).toISOString().slice(0, 10)}`;
}

function emptyItem(key: ItemKey, tenant: string, windowStart: number, o: ItemOptions): AggregateItem {
  return {
    ...key,
    tenant,
    region: o.region,
    windowStart,
    windowSeconds: o.windowSeconds,
    expiresAt: Math.floor((windowStart + o.windowSeconds * 1000) / 1000) + o.ttlDays * 86_400,
    entries: { counts: new Map(), patterns: new Map() },
  };
}

/** Adds the aggregates of `set` into the bucket items of `into` (keyed by `itemId`), merging shared entries. */
export function addItems(into: Map<string, AggregateItem>, set: AggregateSet, o: ItemOptions): void {
  const bucketOf = (kind: 'c' | 'p', tenant: string, windowStart: number, bucket: number) => {
    const key = {
      pk: partitionKey(o.region, tenant, windowStart),
      sk: `${kind}#${pad13(windowStart)}#${String(bucket).padStart(2, '0')}#${o.shardId}`,
    };
    const id = itemId(key);
    let item = into.get(id);
    if (!item) {
      item = emptyItem(key, tenant, windowStart, o);
      into.set(id, item);
    }
    return item;
  };
  // Entries are shared, never mutated: a second contribution to an entry merges into a fresh object.
  for (const a of set.counts.values()) {
    const e = countEntry(a);
    const counts = bucketOf('c', a.tenant, a.windowStart, e.bucket).entries.counts;
    const prev = counts.get(e.id);
    counts.set(e.id, prev ? mergeCount(prev, a) : a);
  }
  for (const a of set.patterns.values()) {
    const e = patternEntry(a);
    const patterns = bucketOf('p', a.tenant, a.windowStart, e.bucket).entries.patterns;
    const prev = patterns.get(e.id);
    patterns.set(e.id, prev ? mergePattern(prev, a) : a);
  }
}
