import type { AggregateItem } from './aggregate-items.ts';
import { itemId } from './aggregate-items.ts';

/**
 * Exactly-once aggregates without transactions. Each item keeps, per shard, the highest stream position (a log
 * record inside a stream record, see `recordPosition` in seq.ts) up to which it already counts: `hw[shard]`. Shards are processed strictly in order (parallelization factor
 * 1), so for a batch covering [first, last] of a shard:
 *   - no hw, or hw < first: nothing of this batch is in the item → add the whole batch's contribution;
 *   - hw ≥ last: everything is in → write nothing (a replay costs reads only);
 *   - first ≤ hw < last: an earlier attempt (bisected half, larger or smaller batch) counted a prefix → add the
 *     contribution of the records after hw only.
 * The update is conditional on hw[shard] still being the value read and sets it to `last`, so concurrent or
 * zombie attempts of the same shard cannot both add. Whatever the batch boundaries of successive attempts, every
 * record is counted once per item. One UpdateItem per item per batch (more only when one update would exceed
 * DynamoDB's expression limit: then hw advances in prefixes), no per-record idempotency items.
 */
export interface ItemState {
  hw?: string;
  /**
   * Current values of the attributes an update sets only when needed (min, max, example, entry descriptors)
   * by attribute name: DynamoDB cannot merge min, max and examples the way ADD merges sums.
   */
  current: Record<string, number | string>;
}

/** Condition of one update: the item's hw[shardId] must still be `expected` (absent when undefined). */
export interface Guard {
  shardId: string;
  expected: string | undefined;
  next: string;
}

export type Decision =
  | { action: 'skip' }
  | { action: 'apply'; item: AggregateItem; guard: Guard | undefined };

export interface GuardRange {
  shardId: string;
  /** Before every position of the batch's first stream record, and after every one of its last (or of its processed prefix). */
  firstSeq: string;
  lastSeq: string;
  /** false switches the guard off (tests that prove the double counting it prevents). */
  enabled: boolean;
}

/** `after(hw)` returns the items of only the records after hw (see `itemsBetween`); called only when needed. */
export function decide(
  item: AggregateItem,
  state: ItemState | undefined,
  range: GuardRange,
  after: (hw: string) => ReadonlyMap<string, AggregateItem>,
): Decision {
  if (!range.enabled) return { action: 'apply', item, guard: undefined };
  const hw = state?.hw;
  const guard = { shardId: range.shardId, expected: hw, next: range.lastSeq };
  if (hw === undefined || hw < range.firstSeq) return { action: 'apply', item, guard };
  if (hw >= range.lastSeq) return { action: 'skip' };
  const rest = after(hw).get(itemId(item));
  return rest ? { action: 'apply', item: rest, guard } : { action: 'skip' };
}
