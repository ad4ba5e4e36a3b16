import { type FailedRecord, failedRecordKey } from '../process/failure-record.ts';
import { PREFIXES } from '../resources.ts';
import type { ObjectStore } from './object-store.ts';

/**
 * Records that cannot be processed, kept in the region that received them (`failed/` prefix of the region's
 * bucket). Keys are deterministic per stream position, so parking a record twice overwrites one object.
 */
export interface FailureStore {
  /** Writes the records; returns their keys in order. */
  park(records: readonly FailedRecord[]): Promise<string[]>;
  /** Keys of parked records under `failed/<prefix>` in key order. */
  list(prefix?: string, limit?: number): Promise<string[]>;
  get(key: string): Promise<FailedRecord | undefined>;
  remove(key: string): Promise<void>;
}

export function createFailureStore(objects: ObjectStore, prefix: string = PREFIXES.failed): FailureStore {
  return {
    async park(records) {
      const keys = records.map((r) => failedRecordKey(prefix, r.shardId, r.sequenceNumber, r.subSequence));
      await Promise.all(
        records.map((r, i) =>
          objects.put(keys[i]!, new TextEncoder().encode(JSON.stringify(r)), {
            contentType: 'application/json',
            metadata: { 'sluice-reason': r.reason },
          }),
        ),
      );
      return keys;
    },
    list(sub = '', limit) {
      return objects.list(`${prefix}${sub}`, limit);
    },
    async get(key) {
      const o = await objects.get(key);
      return o ? (JSON.parse(new TextDecoder().decode(o.body)) as FailedRecord) : undefined;
    },
    remove(key) {
      return objects.delete(key);
    },
  };
}
