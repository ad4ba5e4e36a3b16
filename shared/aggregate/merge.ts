// STUB: replaced by the aggregate stage implementation (issue [core] item 6).
import type { AggregateSet } from './types.ts';

/** Associative and commutative merge of partial aggregates (batches, regions). Returns a new set. */
export function mergeAggregates(a: AggregateSet, _b: AggregateSet): AggregateSet {
  return a;
}
