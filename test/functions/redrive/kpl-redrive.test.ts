import { describe, expect, it } from 'vitest';
import { createRedriveApp } from '../../../functions/redrive/app.ts';
import { createMemoryAlertQueue } from '../../../shared/adapters/alert-queue.ts';
import { createFailureStore } from '../../../shared/adapters/failure-store.ts';
import { createMemorySink } from '../../../shared/adapters/kinesis-producer.ts';
import { createMemoryObjectStore } from '../../../shared/adapters/object-store.ts';
import type { FailedRecord } from '../../../shared/process/failure-record.ts';
import { SHARD, seqNo } from '../../helpers/process.ts';

const parked = (seq: number, payload: string, subSequence?: number): FailedRecord => ({
  version: 1,
  region: 'eu',
  shardId: SHARD,
  sequenceNumber: seqNo(seq),
  ...(subSequence !== undefined && { subSequence }),
  partitionKey: 'pk',
  reason: subSequence === undefined ? 'retries-exhausted' : 'undecodable',
  detail: 'test',
  arrivalMs: 0,
  payload: Buffer.from(payload).toString('base64'),
});

describe('redrive of KPL records', () => {
  it('re-injects a whole parked stream record once, not again for its user record parked as poison', async () => {
    const failures = createFailureStore(createMemoryObjectStore());
    // Stream record 7 was KPL: user record 2 was poison (parked alone), then the whole record exhausted retries.
    await failures.park([parked(7, 'kpl-sub-2', 2), parked(7, 'kpl-whole'), parked(8, 'other-sub-0', 0)]);
    const sink = createMemorySink({ retain: true });
    const app = createRedriveApp({
      region: 'eu',
      failures,
      alerts: createMemoryAlertQueue(),
      reader: { readRange: async () => [] },
      sink,
    });
    const result = await app.redrive();
    const sent = sink.entries.map((e) => Buffer.from(e.data).toString()).sort();
    // Record 8's user record has no whole record parked: it is re-injected on its own.
    expect(sent).toEqual(['kpl-whole', 'other-sub-0']);
    expect(result.redriven).toBe(2);
    expect(await failures.list()).toEqual([]);
  });
});
