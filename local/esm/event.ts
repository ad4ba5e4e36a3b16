import type { _Record } from '@aws-sdk/client-kinesis';
import type { KinesisStreamRecord } from 'aws-lambda';

/** A record read from a shard, already in the shape Lambda delivers, with what the runner needs to batch it. */
export interface BufferedRecord {
  entry: KinesisStreamRecord;
  seq: bigint;
  /** Approximate arrival, epoch ms. */
  arrivalMs: number;
  /** UTF-8 bytes of `entry` as JSON: its share of the invocation payload. */
  bytes: number;
}

export interface EventSource {
  shardId: string;
  streamArn: string;
  awsRegion: string;
  functionArn: string;
  /** Execution role of the function, as Lambda reports it in `invokeIdentityArn`. */
  roleArn: string;
}

/** Converts a GetRecords record into the event record Lambda builds (data base64, arrival in epoch seconds). */
export function toBufferedRecord(record: _Record, source: EventSource): BufferedRecord {
  const seq = record.SequenceNumber!;
  const arrivalMs = record.ApproximateArrivalTimestamp?.getTime() ?? Date.now();
  const entry: KinesisStreamRecord = {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: record.PartitionKey ?? '',
      sequenceNumber: seq,
      data: Buffer.from(record.Data ?? new Uint8Array()).toString('base64'),
      approximateArrivalTimestamp: arrivalMs / 1000,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${source.shardId}:${seq}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: source.roleArn,
    awsRegion: source.awsRegion,
    eventSourceARN: source.streamArn,
  };
  return { entry, seq: BigInt(seq), arrivalMs, bytes: Buffer.byteLength(JSON.stringify(entry)) };
}

/** `{"Records":[` + `]}`: the envelope of the invocation payload around the comma-separated records. */
const ENVELOPE_BYTES = Buffer.byteLength('{"Records":[]}');

/**
 * How many records from the head of `records` fit one invocation: at most `batchSize`, and the serialized event
 * at most `maxBytes`. 0 when even the first record alone is too large.
 */
export function fitBatch(records: readonly BufferedRecord[], batchSize: number, maxBytes: number): number {
  let size = ENVELOPE_BYTES;
  let n = 0;
  for (const r of records) {
    if (n >= batchSize) break;
    const next = size + r.bytes + (n > 0 ? 1 : 0);
    if (next > maxBytes) break;
    size = next;
    n++;
  }
  return n;
}

export function payloadBytes(records: readonly BufferedRecord[]): number {
  return records.reduce((sum, r, i) => sum + r.bytes + (i > 0 ? 1 : 0), ENVELOPE_BYTES);
}
