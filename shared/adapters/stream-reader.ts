import {
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import type { StreamRecord } from '../process/decode.ts';
import { compareSeq } from '../process/seq.ts';
import { writeError } from './aws-errors.ts';

/** Re-reads a shard's records by sequence range (the ESM on-failure message carries metadata only). */
export interface StreamReader {
  /** Records with start ≤ sequence ≤ end, in order; fewer if they expired from the stream. */
  readRange(shardId: string, startSequence: string, endSequence: string): Promise<StreamRecord[]>;
}

export interface KinesisReaderOptions {
  client: KinesisClient;
  /** kinesalite accepts only StreamName (not StreamARN) on these calls. */
  streamName: string;
  /** GetRecords calls that may return nothing before the reader gives up (empty pages happen mid-shard). */
  maxEmptyPolls?: number;
}

export function createKinesisStreamReader(options: KinesisReaderOptions): StreamReader {
  const { client, streamName, maxEmptyPolls = 5 } = options;
  return {
    async readRange(shardId, start, end) {
      const out: StreamRecord[] = [];
      let iterator: string | undefined;
      try {
        const res = await client.send(
          new GetShardIteratorCommand({
            StreamName: streamName,
            ShardId: shardId,
            ShardIteratorType: 'AT_SEQUENCE_NUMBER',
            StartingSequenceNumber: start,
          }),
        );
        iterator = res.ShardIterator;
      } catch (err) {
        throw writeError('kinesis', 'GetShardIterator', err);
      }
      let empty = 0;
      while (iterator) {
        let res: GetRecordsCommandOutput;
        try {
          res = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
        } catch (err) {
          throw writeError('kinesis', 'GetRecords', err);
        }
        const records = res.Records ?? [];
        for (const r of records) {
          if (!r.SequenceNumber || compareSeq(r.SequenceNumber, end) > 0) return out;
          out.push({
            sequenceNumber: r.SequenceNumber,
            partitionKey: r.PartitionKey ?? '',
            data: r.Data ?? new Uint8Array(),
            arrivalMs: r.ApproximateArrivalTimestamp?.getTime() ?? 0,
          });
        }
        if (records.length === 0) {
          empty++;
          if (res.MillisBehindLatest === 0 || empty >= maxEmptyPolls) return out;
        } else empty = 0;
        iterator = res.NextShardIterator;
      }
      return out;
    },
  };
}
