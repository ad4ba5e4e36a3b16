import { randomUUID } from 'node:crypto';
import { GetRecordsCommand, GetShardIteratorCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import type { KinesisStreamBatchResponse } from 'aws-lambda';
import type { CheckpointStore } from './checkpoints.ts';
import { type BufferedRecord, type EventSource, fitBatch, toBufferedRecord } from './event.ts';
import {
  FAILURE_CONDITIONS,
  type FailureCondition,
  type FailureDestination,
  failureMessage,
} from './failure-destination.ts';
import type { EsmHandler, EsmSettings } from './types.ts';

export interface ShardConsumerOptions {
  kinesis: KinesisClient;
  streamName: string;
  source: EventSource;
  settings: EsmSettings;
  handler: EsmHandler;
  checkpoints: CheckpointStore;
  destination?: FailureDestination;
  functionName: string;
  timeoutMs: number;
  pollIntervalMs: number;
  retryDelayMs: number;
  maxPayloadBytes: number;
  now: () => number;
  log: (event: EsmLogEvent) => void;
}

/** What the runner reports about itself (counts and sequence numbers only: never record contents). */
export type EsmLogEvent =
  | { kind: 'invoke-failed'; shardId: string; records: number; reason: string; attempt: number }
  | { kind: 'bisect'; shardId: string; records: number }
  | { kind: 'discarded'; shardId: string; records: number; condition: FailureCondition }
  | { kind: 'read-failed'; shardId: string; reason: string; consecutive: number }
  /** The stored checkpoint does not belong to this stream (recreated stream, wiped data): read from TRIM_HORIZON. */
  | { kind: 'checkpoint-invalid'; shardId: string; checkpoint: string; reason: string }
  | { kind: 'destination-failed'; shardId: string; reason: string };

export interface ShardStats {
  shardId: string;
  checkpoint: string | undefined;
  invocations: number;
  failedInvocations: number;
  recordsDelivered: number;
  discarded: number;
  buffered: number;
  /** A batch is being processed right now. */
  inFlight: boolean;
  /** True when the last read reached the tip of the shard and nothing is buffered or in flight. */
  caughtUp: boolean;
}

type Outcome = { kind: 'success' } | { kind: 'partial'; from: number } | { kind: 'failure'; reason: string };

/**
 * A bisected piece, or the remainder after a partial response with bisection, invoked before reading on. Each piece
 * counts its own failed invocations (MaximumRetryAttempts): bisection consumes no retries and a new piece starts
 * from zero.
 */
interface Piece {
  records: BufferedRecord[];
  failures: number;
}

/** What to invoke next: a pinned piece, or (no piece) a batch cut from the head of the buffer. */
interface Batch {
  records: BufferedRecord[];
  piece?: Piece;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * One shard of an event source mapping: reads in order, gathers batches, invokes the handler with one batch in
 * flight at a time and checkpoints by the rules of aws-semantics.md (partial responses, retries, bisection, record
 * age, 6 MB payload, on-failure destination).
 */
export class ShardConsumer {
  readonly shardId: string;
  private readonly o: ShardConsumerOptions;
  /** Records read after the checkpoint, in sequence order; batches are cut from its head. */
  private buffer: BufferedRecord[] = [];
  /** Bisected pieces (or the remainder after a partial response with bisection) to invoke before reading on. */
  private pinned: Piece[] = [];
  /**
   * Failed invocations of the batch cut from the head of the buffer, by its first sequence number (the retry of an
   * unpinned batch is cut again and may carry more records). Pinned pieces keep their own count.
   */
  private readonly attempts = new Map<bigint, number>();
  /** The stored checkpoint was refused by GetShardIterator: it is ignored until this runner checkpoints anew. */
  private staleCheckpoint = false;
  private readFailures = 0;
  private iterator: string | undefined;
  private lastRead: string | undefined;
  private atTip = false;
  private retryImmediately = false;
  private stopping = false;
  private abandoned = false;
  private inFlight = false;
  private wake: (() => void) | undefined;
  private readonly stats = { invocations: 0, failedInvocations: 0, recordsDelivered: 0, discarded: 0 };

  constructor(options: ShardConsumerOptions) {
    this.o = options;
    this.shardId = options.source.shardId;
  }

  get checkpoint(): string | undefined {
    if (this.staleCheckpoint) return undefined;
    return this.o.checkpoints.get(this.o.streamName, this.shardId);
  }

  snapshot(): ShardStats {
    return {
      shardId: this.shardId,
      checkpoint: this.checkpoint,
      ...this.stats,
      buffered: this.buffer.length,
      inFlight: this.inFlight,
      caughtUp: this.atTip && this.buffer.length === 0 && this.pinned.length === 0 && !this.inFlight,
    };
  }

  /** Graceful: the batch in flight completes and is checkpointed. Abandon: its outcome is never recorded. */
  stop(abandon: boolean): void {
    this.stopping = true;
    this.abandoned ||= abandon;
    this.wake?.();
  }

  async run(): Promise<void> {
    while (!this.stopping) {
      const batch = await this.nextBatch();
      if (!batch || this.stopping) return;
      await this.invoke(batch);
    }
  }

  private async pause(ms: number): Promise<void> {
    if (this.stopping || ms <= 0) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
    this.wake = undefined;
  }

  private async nextBatch(): Promise<Batch | undefined> {
    let windowStart: number | undefined;
    while (!this.stopping) {
      if (this.pinned.length > 0) {
        const piece = this.pinned[0]!;
        // The piece itself is trimmed (not a copy), so that its outcome is recorded against it: records already
        // checkpointed are never invoked or reported again, expired ones are reported once.
        piece.records = await this.dropExpired(this.pending(piece.records), piece.failures);
        if (this.stopping) return undefined;
        if (piece.records.length > 0) {
          this.retryImmediately = false;
          return { records: piece.records, piece };
        }
        this.unpin(piece);
        continue;
      }
      this.buffer = await this.dropExpired(this.buffer, this.attempts.get(this.buffer[0]?.seq ?? -1n) ?? 0);
      if (this.buffer.length === 0) this.retryImmediately = false;
      if (this.buffer.length > 0) {
        windowStart ??= this.o.now();
        const n = fitBatch(this.buffer, this.o.settings.batchSize, this.o.maxPayloadBytes);
        if (n === 0) {
          // A single record larger than the invocation payload can never be delivered.
          await this.discard(this.buffer.slice(0, 1), FAILURE_CONDITIONS.payload, 0);
          continue;
        }
        const full = n < this.buffer.length || n >= this.o.settings.batchSize;
        const windowOver = this.o.now() - windowStart >= this.o.settings.batchingWindowSeconds * 1000;
        if (full || windowOver || this.retryImmediately) {
          this.retryImmediately = false;
          return { records: this.buffer.slice(0, n) };
        }
      }
      const read = await this.read();
      if (this.buffer.length > 0) windowStart ??= this.o.now();
      if (read === 0 || !this.fullEnough()) {
        const windowLeft =
          windowStart === undefined
            ? this.o.pollIntervalMs
            : windowStart + this.o.settings.batchingWindowSeconds * 1000 - this.o.now();
        await this.pause(Math.min(this.o.pollIntervalMs, Math.max(windowLeft, 0)));
      }
    }
    return undefined;
  }

  private fullEnough(): boolean {
    return this.buffer.length >= this.o.settings.batchSize;
  }

  /** One GetRecords call; returns the number of records appended to the buffer. */
  private async read(): Promise<number> {
    try {
      if (!this.iterator) this.iterator = await this.getIterator();
      const out = await this.o.kinesis.send(
        new GetRecordsCommand({ ShardIterator: this.iterator, Limit: 10_000 }),
      );
      this.iterator = out.NextShardIterator;
      const records = (out.Records ?? []).map((r) => toBufferedRecord(r, this.o.source));
      const after = this.checkpointSeq();
      for (const r of records) {
        if (after !== undefined && r.seq <= after) continue;
        this.buffer.push(r);
      }
      if (records.length > 0) this.lastRead = records[records.length - 1]!.entry.kinesis.sequenceNumber;
      this.atTip = records.length === 0 || out.MillisBehindLatest === 0;
      this.readFailures = 0;
      return records.length;
    } catch (err) {
      const name = (err as Error).name;
      // Expired or invalid iterators are re-created from the last record read; anything else (throttling, 5xx)
      // is retried after the poll interval with the same iterator, which stays valid.
      if (name === 'ExpiredIteratorException' || name === 'InvalidArgumentException')
        this.iterator = undefined;
      this.readFailures++;
      this.o.log({
        kind: 'read-failed',
        shardId: this.shardId,
        reason: name,
        consecutive: this.readFailures,
      });
      await this.pause(this.o.pollIntervalMs);
      return 0;
    }
  }

  private async getIterator(): Promise<string> {
    const stored = this.lastRead === undefined ? this.checkpoint : undefined;
    const from = this.lastRead ?? stored;
    try {
      const out = await this.o.kinesis.send(
        new GetShardIteratorCommand({
          StreamName: this.o.streamName,
          ShardId: this.shardId,
          ...(from
            ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: from }
            : { ShardIteratorType: 'TRIM_HORIZON' }),
        }),
      );
      return out.ShardIterator!;
    } catch (err) {
      // A stored checkpoint Kinesis refuses comes from another incarnation of the stream (emulator data wiped or
      // held in memory): retrying it would fail forever. Say so once and read this shard from its start.
      if (stored === undefined || (err as Error).name !== 'InvalidArgumentException') throw err;
      this.staleCheckpoint = true;
      this.o.log({
        kind: 'checkpoint-invalid',
        shardId: this.shardId,
        checkpoint: stored,
        reason: (err as Error).message,
      });
      return this.getIterator();
    }
  }

  private checkpointSeq(): bigint | undefined {
    const c = this.checkpoint;
    return c === undefined ? undefined : BigInt(c);
  }

  /** The records not yet checkpointed. */
  private pending(records: BufferedRecord[]): BufferedRecord[] {
    const done = this.checkpointSeq();
    return done === undefined ? records : records.filter((r) => r.seq > done);
  }

  private unpin(piece: Piece): void {
    const i = this.pinned.indexOf(piece);
    if (i >= 0) this.pinned.splice(i, 1);
  }

  /** Records past MaximumRecordAgeInSeconds at the head are skipped to the on-failure destination. */
  private async dropExpired(records: BufferedRecord[], invokeCount: number): Promise<BufferedRecord[]> {
    const maxAge = this.o.settings.maxRecordAgeSeconds;
    if (maxAge < 0) return records;
    const cutoff = this.o.now() - maxAge * 1000;
    let n = 0;
    while (n < records.length && records[n]!.arrivalMs < cutoff) n++;
    if (n === 0) return records;
    if (!(await this.discard(records.slice(0, n), FAILURE_CONDITIONS.age, invokeCount))) return records;
    return records.slice(n);
  }

  private async invoke({ records: batch, piece }: Batch): Promise<void> {
    const outcome = await this.call(batch);
    if (this.abandoned) return;
    this.stats.invocations++;
    this.stats.recordsDelivered += batch.length;
    if (outcome.kind === 'success') {
      if (piece) this.unpin(piece);
      this.advance(batch[batch.length - 1]!);
      return;
    }
    this.stats.failedInvocations++;
    if (outcome.kind === 'partial') {
      // Checkpoint below the lowest reported failure; everything from it is retried, successes after it included.
      const rest = batch.slice(outcome.from);
      if (outcome.from > 0) this.advance(batch[outcome.from - 1]!);
      if (!this.o.settings.bisectOnError) {
        // The retry reads on from the checkpoint and may carry more records than before.
        if (piece) this.unpin(piece);
        await this.countFailure(rest, 'partial batch response');
        return;
      }
      // With bisection on, the batch is split at the reported record and only the remainder is retried: a new
      // piece, unless the first record failed (the same records again, whose count goes on).
      const same = outcome.from === 0;
      const next: Piece = {
        records: rest,
        failures: same ? (piece?.failures ?? this.attempts.get(batch[0]!.seq) ?? 0) : 0,
      };
      const i = piece ? this.pinned.indexOf(piece) : -1;
      if (i >= 0) this.pinned.splice(i, 1, next);
      else this.pinned.unshift(next);
      await this.countFailure(rest, 'partial batch response', next);
      return;
    }
    if (this.o.settings.bisectOnError && batch.length > 1) {
      // Bisection does not consume retry attempts: each half starts its own count.
      const half = Math.ceil(batch.length / 2);
      if (piece) this.unpin(piece);
      this.pinned.unshift(
        { records: batch.slice(0, half), failures: 0 },
        { records: batch.slice(half), failures: 0 },
      );
      this.o.log({ kind: 'bisect', shardId: this.shardId, records: batch.length });
      return;
    }
    await this.countFailure(batch, outcome.reason, piece);
  }

  private async countFailure(batch: BufferedRecord[], reason: string, piece?: Piece): Promise<void> {
    let failures: number;
    if (piece) {
      failures = ++piece.failures;
    } else {
      const key = batch[0]!.seq;
      failures = (this.attempts.get(key) ?? 0) + 1;
      this.attempts.set(key, failures);
    }
    this.o.log({
      kind: 'invoke-failed',
      shardId: this.shardId,
      records: batch.length,
      reason,
      attempt: failures,
    });
    const limit = this.o.settings.maxRetryAttempts;
    if (limit >= 0 && failures > limit) {
      if (piece) this.unpin(piece);
      await this.discard(batch, FAILURE_CONDITIONS.retries, failures);
      return;
    }
    // A pinned piece is invoked next anyway; a batch cut from the buffer must not wait for the batching window.
    if (!piece) this.retryImmediately = true;
    await this.pause(Math.min(this.o.retryDelayMs * 2 ** Math.min(failures - 1, 5), 5_000));
  }

  /** False when the runner stopped before the destination took the message (nothing is then recorded). */
  private async discard(
    records: BufferedRecord[],
    condition: FailureCondition,
    invokeCount: number,
  ): Promise<boolean> {
    this.o.log({ kind: 'discarded', shardId: this.shardId, records: records.length, condition });
    if (this.o.destination) {
      const message = failureMessage(records, this.o.source, condition, invokeCount, this.o.now());
      // The checkpoint moves past these records only once the destination has their metadata.
      for (let attempt = 0; ; attempt++) {
        try {
          await this.o.destination.send(message);
          break;
        } catch (err) {
          this.o.log({ kind: 'destination-failed', shardId: this.shardId, reason: (err as Error).name });
          if (this.stopping) return false;
          await sleep(Math.min(100 * 2 ** attempt, 2_000));
        }
      }
    }
    this.stats.discarded += records.length;
    this.advance(records[records.length - 1]!);
    return true;
  }

  /** Records everything up to and including `last` as done. The checkpoint never moves back. */
  private advance(last: BufferedRecord): void {
    const current = this.checkpointSeq();
    if (current === undefined || last.seq > current) {
      this.o.checkpoints.put(this.o.streamName, this.shardId, last.entry.kinesis.sequenceNumber);
      this.staleCheckpoint = false;
    }
    this.buffer = this.buffer.filter((r) => r.seq > last.seq);
    for (const k of this.attempts.keys()) if (k <= last.seq) this.attempts.delete(k);
  }

  private async call(batch: BufferedRecord[]): Promise<Outcome> {
    this.inFlight = true;
    const deadline = Date.now() + this.o.timeoutMs;
    const context = {
      getRemainingTimeInMillis: () => Math.max(deadline - Date.now(), 0),
      awsRequestId: randomUUID(),
      functionName: this.o.functionName,
    };
    let timer: NodeJS.Timeout | undefined;
    const running = this.o.handler({ Records: batch.map((r) => r.entry) }, context);
    try {
      const timeout = new Promise<'timeout'>((r) => {
        timer = setTimeout(() => r('timeout'), this.o.timeoutMs);
      });
      const result = await Promise.race([running, timeout]);
      if (result === 'timeout') {
        // Lambda kills a timed-out invocation; here it cannot be killed, so wait for it before the retry starts
        // rather than letting two invocations of one shard overlap.
        await running.catch(() => undefined);
        return { kind: 'failure', reason: 'Task timed out' };
      }
      return interpret(result, batch);
    } catch (err) {
      return { kind: 'failure', reason: (err as Error)?.name ?? 'Error' };
    } finally {
      clearTimeout(timer);
      this.inFlight = false;
    }
  }
}

/**
 * An empty or missing list is success; the lowest reported sequence number is the retry point; a null, empty or
 * unknown itemIdentifier fails the whole batch.
 */
export function interpret(result: unknown, batch: BufferedRecord[]): Outcome {
  const failures = (result as Partial<KinesisStreamBatchResponse> | null | undefined)?.batchItemFailures;
  if (!failures || failures.length === 0) return { kind: 'success' };
  let lowest = -1;
  for (const f of failures) {
    const id = f?.itemIdentifier;
    if (typeof id !== 'string' || id.length === 0)
      return { kind: 'failure', reason: 'invalid itemIdentifier' };
    const i = batch.findIndex((r) => r.entry.kinesis.sequenceNumber === id);
    if (i < 0) return { kind: 'failure', reason: 'invalid itemIdentifier' };
    if (lowest < 0 || i < lowest) lowest = i;
  }
  return { kind: 'partial', from: lowest };
}
