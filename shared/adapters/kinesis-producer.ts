import { type KinesisClient, PutRecordsCommand, type PutRecordsResultEntry } from '@aws-sdk/client-kinesis';
import { mapLimit } from '../process/concurrency.ts';

export interface SinkEntry {
  data: Uint8Array;
  partitionKey: string;
}

export interface PutResult {
  /** One flag per entry, in order: true once the entry is durably in the stream. */
  accepted: boolean[];
  /** Entries not in the stream when the deadline came. */
  failed: number;
  /** Some failure was Kinesis throttling (the honest answer to the client is then 429, not 503). */
  throttled: boolean;
  /** Error code of the last failure (for the function's own logs; never record data). */
  lastError?: string;
  /** PutRecords calls made. */
  calls: number;
}

/** Where the ingest edge writes envelopes. */
export interface RecordSink {
  /** Writes the entries, retrying failures until `deadline` (epoch ms); never throws for AWS errors. */
  put(entries: readonly SinkEntry[], options: { deadline: number }): Promise<PutResult>;
}

/** PutRecords limits: 500 entries and 5 MiB (data plus partition keys) per call. */
export const PUT_RECORDS_MAX_ENTRIES = 500;
export const PUT_RECORDS_MAX_BYTES = 5 * 1024 * 1024;

export interface KinesisProducerOptions {
  client: KinesisClient;
  streamName: string;
  /** First backoff ceiling; doubles each round up to `maxDelayMs` (full jitter: the wait is random below it). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** PutRecords calls in flight at once for one request. */
  concurrency?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

const THROTTLE_CODES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'LimitExceededException',
  'KMSThrottlingException',
]);

function chunk(entries: readonly SinkEntry[], pending: readonly number[]): number[][] {
  const out: number[][] = [];
  let current: number[] = [];
  let bytes = 0;
  for (const i of pending) {
    const e = entries[i]!;
    const size = e.data.length + Buffer.byteLength(e.partitionKey);
    if (
      current.length > 0 &&
      (current.length >= PUT_RECORDS_MAX_ENTRIES || bytes + size > PUT_RECORDS_MAX_BYTES)
    ) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(i);
    bytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/**
 * Kinesis implementation: PutRecords calls of at most 500 entries / 5 MiB; `FailedRecordCount` checked and only
 * the failed entries retried (retrying a whole call would duplicate the ones that succeeded), with full-jitter
 * exponential backoff, until the deadline. A call that throws or is cut off by the deadline counts its entries as
 * failed: they may still have landed, so a client retry can duplicate them (at-least-once).
 */
export function createKinesisProducer(options: KinesisProducerOptions): RecordSink {
  const {
    client,
    streamName,
    baseDelayMs = 50,
    maxDelayMs = 2000,
    concurrency = 4,
    now = Date.now,
    sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
    random = Math.random,
  } = options;

  return {
    async put(entries, { deadline }) {
      const accepted = new Array<boolean>(entries.length).fill(false);
      let pending = entries.map((_, i) => i);
      let throttled = false;
      let lastError: string | undefined;
      let calls = 0;
      for (let round = 0; pending.length > 0; round++) {
        const remaining = deadline - now();
        if (remaining <= 0) break;
        const batches = chunk(entries, pending);
        const outcomes = await mapLimit(batches, concurrency, async (batch) => {
          calls++;
          try {
            const res = await client.send(
              new PutRecordsCommand({
                StreamName: streamName,
                Records: batch.map((i) => ({
                  Data: entries[i]!.data,
                  PartitionKey: entries[i]!.partitionKey,
                })),
              }),
              { abortSignal: AbortSignal.timeout(Math.max(1, remaining)) },
            );
            return { batch, records: res.Records ?? [], error: undefined };
          } catch (err) {
            const e = err as { name?: string };
            return { batch, records: [], error: e.name ?? 'Error' };
          }
        });
        const retry: number[] = [];
        for (const o of outcomes) {
          if (o.error !== undefined) {
            lastError = o.error;
            if (THROTTLE_CODES.has(o.error)) throttled = true;
            retry.push(...o.batch);
            continue;
          }
          o.batch.forEach((entry, k) => {
            const r: PutRecordsResultEntry | undefined = o.records[k];
            if (r && !r.ErrorCode && r.SequenceNumber) {
              accepted[entry] = true;
            } else {
              const code = r?.ErrorCode ?? 'MissingResult';
              lastError = code;
              if (THROTTLE_CODES.has(code)) throttled = true;
              retry.push(entry);
            }
          });
        }
        pending = retry;
        if (pending.length === 0) break;
        const delay = random() * Math.min(maxDelayMs, baseDelayMs * 2 ** round);
        if (now() + delay >= deadline) break;
        await sleep(delay);
      }
      return {
        accepted,
        failed: pending.length,
        throttled,
        calls,
        ...(lastError !== undefined && pending.length > 0 && { lastError }),
      };
    },
  };
}

/** In-process sink for tests and the benchmark: keeps the entries (or, with `retain: false`, only counts). */
export interface MemorySink extends RecordSink {
  readonly entries: SinkEntry[];
  readonly count: number;
  readonly bytes: number;
}

export function createMemorySink(options: { retain?: boolean } = {}): MemorySink {
  const retain = options.retain ?? true;
  const entries: SinkEntry[] = [];
  let count = 0;
  let bytes = 0;
  return {
    entries,
    get count() {
      return count;
    },
    get bytes() {
      return bytes;
    },
    async put(batch) {
      for (const e of batch) {
        count++;
        bytes += e.data.length;
        if (retain) entries.push(e);
      }
      return { accepted: batch.map(() => true), failed: 0, throttled: false, calls: 0 };
    },
  };
}
