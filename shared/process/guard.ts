/**
 * Exactly-once aggregates without transactions. Each item keeps, per shard, the highest stream position (a log
 * record inside a stream record, see `recordPosition` in seq.ts) up to which it already counts: `hw[shard]`.
 * Shards are processed strictly in order (parallelization factor 1), so for a batch covering [first, last]:
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

export interface GuardRange {
  shardId: string;
  /** Before every position of the batch's first stream record, and after every one of its last (or of its processed prefix). */
  firstSeq: string;
  lastSeq: string;
  /** false switches the guard off (tests that prove the double counting it prevents). */
  enabled: boolean;
}

/**
 * Where this batch's contribution to an item starts: `''` (all of it: no hw, an hw from an earlier batch, or the
 * guard off), the hw itself (an earlier attempt counted up to it), or undefined when the item already counts the
 * whole batch (a replay: write nothing).
 */
export function resumeFrom(state: ItemState | undefined, range: GuardRange): string | undefined {
  const hw = state?.hw;
  if (!range.enabled || hw === undefined || hw < range.firstSeq) return '';
  return hw >= range.lastSeq ? undefined : hw;
}
