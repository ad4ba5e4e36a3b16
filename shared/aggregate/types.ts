import type { Level } from '../record/level.ts';

/** count, sum, min and max of one numeric field; merging is associative and commutative. */
export interface Stat {
  count: number;
  sum: number;
  min: number;
  max: number;
}

/** Identity of a count aggregate. `windowStart` is epoch ms aligned to the window size. */
export interface CountKey {
  tenant: string;
  region: string;
  service: string;
  level: Level;
  windowStart: number;
  /** Extra group-by dimensions (config `aggregate.groupBy`), values stringified; missing = `-`. */
  dims: Record<string, string>;
}

export interface CountAggregate extends CountKey {
  count: number;
  /** UTF-8 bytes of the kept, masked records as written (serialized line without the newline). */
  bytes: number;
  stats: Record<string, Stat>;
}

export interface PatternKey {
  tenant: string;
  region: string;
  service: string;
  windowStart: number;
  /** Message with numbers, ids and masked values replaced by placeholders (`user <email> took <num> ms`). */
  template: string;
}

export interface PatternAggregate extends PatternKey {
  count: number;
  /** One masked message of this template. Merge keeps the lexicographically smallest, so merging is commutative. */
  example: string;
  /** Distinct messages seen, as a sketch (safe/distinct.ts); the roll-up publishes a template only past K of them. */
  distinct?: string[];
}

/** Partial aggregates of a batch, keyed by `countKeyId` / `patternKeyId`. */
export interface AggregateSet {
  counts: Map<string, CountAggregate>;
  patterns: Map<string, PatternAggregate>;
}

export function emptyAggregateSet(): AggregateSet {
  return { counts: new Map(), patterns: new Map() };
}
