import { GetRecordsCommand, GetShardIteratorCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import type { ShardStats } from '../esm/shard-consumer.ts';

export interface ShardLag {
  shardId: string;
  /**
   * Age of the oldest record the processor is not done with (0 when caught up), in ms: what Lambda's
   * IteratorAge metric tracks for a Kinesis event source mapping.
   */
  lagMs: number;
  buffered: number;
  inFlight: boolean;
  invocations: number;
  failedInvocations: number;
}

/**
 * Reads, per shard, the first record after the runner's checkpoint (one GetShardIterator and one GetRecords of
 * Limit 1): its arrival time gives the lag. Separate iterators: the runner's own reads are untouched.
 */
export async function shardLags(
  kinesis: KinesisClient,
  streamName: string,
  stats: readonly ShardStats[],
  now: () => number = Date.now,
): Promise<ShardLag[]> {
  return Promise.all(
    stats.map(async (s) => {
      const it = await kinesis.send(
        new GetShardIteratorCommand({
          StreamName: streamName,
          ShardId: s.shardId,
          ...(s.checkpoint
            ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: s.checkpoint }
            : { ShardIteratorType: 'TRIM_HORIZON' }),
        }),
      );
      const out = await kinesis.send(new GetRecordsCommand({ ShardIterator: it.ShardIterator!, Limit: 1 }));
      const arrived = out.Records?.[0]?.ApproximateArrivalTimestamp?.getTime();
      return {
        shardId: s.shardId,
        lagMs: arrived === undefined ? 0 : Math.max(0, now() - arrived),
        buffered: s.buffered,
        inFlight: s.inFlight,
        invocations: s.invocations,
        failedInvocations: s.failedInvocations,
      };
    }),
  );
}
