import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import type { AggregateStore } from '../../shared/adapters/aggregate-store.ts';
import type { AlertQueue } from '../../shared/adapters/alert-queue.ts';
import type { FailureStore } from '../../shared/adapters/failure-store.ts';
import type { ObjectStore } from '../../shared/adapters/object-store.ts';
import type { DirtyWindows, WindowRef } from '../../shared/adapters/rollup-store.ts';
import type { TemplateAdmission } from '../../shared/aggregate/aggregator.ts';
import type { SluiceConfig } from '../../shared/config/load.ts';
import { createPipeline, type Pipeline } from '../../shared/pipeline/pipeline.ts';
import type { AggregateItem } from '../../shared/process/aggregate-items.ts';
import { itemId } from '../../shared/process/aggregate-items.ts';
import {
  type BatchPlan,
  itemsBetween,
  midSequence,
  planBatch,
  templateAdmission,
} from '../../shared/process/batch.ts';
import { mapLimit } from '../../shared/process/concurrency.ts';
import { defaultTenantFor, type StreamRecord } from '../../shared/process/decode.ts';
import { WriteError } from '../../shared/process/errors.ts';
import { alertFor, type FailedRecord, failedRecordKey } from '../../shared/process/failure-record.ts';
import { type GuardRange, type ItemState, resumeFrom } from '../../shared/process/guard.ts';
import { encodeObject, provenanceMetadata, recordObjectKey } from '../../shared/process/objects.ts';
import { PREFIXES } from '../../shared/resources.ts';
import {
  PROCESS_METRICS as M,
  noMetrics,
  type ProcessLogger,
  type ProcessMetrics,
  silentLogger,
} from '../../shared/runtime/telemetry.ts';

export interface ProcessDeps {
  config: SluiceConfig;
  /** Residency region this function serves (SLUICE_REGION). */
  region: string;
  objects: ObjectStore;
  /** The regional aggregate table (working state; never replicated, see docs/residency.md). */
  aggregates: AggregateStore;
  /** Marks the (tenant, window)s a batch wrote, for the roll-up. */
  windows?: DirtyWindows;
  failures: FailureStore;
  alerts: AlertQueue;
  /** Resolved HMAC keys per tenant id (from the tenants' `mask.hmacKey` secret references). */
  hmacKeys?: Readonly<Record<string, Uint8Array>>;
  logger?: ProcessLogger;
  metrics?: ProcessMetrics;
  /** Prefix of kept records in the bucket. */
  recordsPrefix?: string;
  /**
   * Milliseconds of the invocation kept for the writes: decoding stops when less remains, the processed prefix is
   * written and the first unprocessed record reported. Default 10 s: a batch's writes (a few PUTs, ≤ a few hundred
   * UpdateItems at 16 in flight) take well under that; raise it for very large batches.
   */
  reserveMs?: number;
  /** Writes in flight per batch (S3 PUTs and DynamoDB updates each). */
  writeConcurrency?: number;
  /** Read-conflict-retry rounds per item before the batch is retried as a whole. */
  maxConflictRounds?: number;
  /** The hw guard. Only tests switch it off, to show the double counting it prevents. */
  idempotency?: boolean;
  now?: () => number;
}

export interface LambdaContextLike {
  getRemainingTimeInMillis(): number;
}

export type ProcessHandler = (
  event: KinesisStreamEvent,
  context: LambdaContextLike,
) => Promise<KinesisStreamBatchResponse>;

/** Outcome of one batch, for tests and the benchmark (the handler returns only the response). */
export interface BatchReport {
  response: KinesisStreamBatchResponse;
  processed: number;
  dynamodbWrites: number;
  objects: number;
  poison: number;
}

export interface ProcessApp extends ProcessHandler {
  /** Same as calling the app, with the details. */
  run(event: KinesisStreamEvent, context: LambdaContextLike): Promise<BatchReport>;
}

/** The distinct (tenant, window)s of a batch's items. */
function windowsOf(items: readonly AggregateItem[]): WindowRef[] {
  const out = new Map<string, WindowRef>();
  for (const i of items) {
    const { tenant, windowStart, windowSeconds, expiresAt } = i;
    out.set(`${tenant}#${windowStart}`, { tenant, windowStart, windowSeconds, expiresAt });
  }
  return [...out.values()];
}

/** `shardId-000000000000:4959…` → `shardId-000000000000` (eventID is shardId:sequenceNumber). */
export function shardOf(eventId: string): string {
  const i = eventId.indexOf(':');
  return i === -1 ? eventId : eventId.slice(0, i);
}

export function toStreamRecords(event: KinesisStreamEvent): StreamRecord[] {
  return event.Records.map((r) => ({
    sequenceNumber: r.kinesis.sequenceNumber,
    partitionKey: r.kinesis.partitionKey,
    data: Buffer.from(r.kinesis.data, 'base64'),
    arrivalMs: Math.round(r.kinesis.approximateArrivalTimestamp * 1000),
  }));
}

/**
 * The processor. Built once per cold start; each call handles one batch of one shard:
 *  1. decode and run the pipelines (pure), stopping early when the deadline nears;
 *  2. write S3 objects, parked poison records (+ alerts) and the guarded aggregate updates, concurrently;
 *  3. any write failing → the batch is reported failed from its FIRST record, so the retry starts at the same
 *     record and overwrites the same S3 keys; a deadline stop → failed from the first unprocessed record (every
 *     output below it is complete).
 */
export function createProcessApp(deps: ProcessDeps): ProcessApp {
  const {
    config,
    region,
    logger = silentLogger,
    metrics = noMetrics,
    recordsPrefix = PREFIXES.records,
    reserveMs = 10_000,
    writeConcurrency = 16,
    maxConflictRounds = 5,
    idempotency = true,
    now = Date.now,
  } = deps;
  if (!(region in config.regions)) throw new RangeError(`region "${region}" is not in the config`);
  const served = config.tenants.filter((t) => t.homeRegion === region);
  const pipelines = new Map<string, Pipeline>(
    served.map((t) => [t.id, createPipeline(t.pipeline, { hmacKey: deps.hmacKeys?.[t.id] })]),
  );
  const decodeContext = {
    region,
    tenants: new Set(served.map((t) => t.id)),
    defaultTenant: defaultTenantFor(config.tenants, region),
  };

  const writeAggregates = async (plan: BatchPlan, range: GuardRange): Promise<number> => {
    const items = [...plan.items.values()];
    if (items.length === 0) return 0;
    let writes = 0;
    const slices = new Map<string, Map<string, AggregateItem>>();
    let admit: TemplateAdmission | undefined;
    /** Contributions of the outputs in (after, upTo], per item. */
    const slice = (after: string, upTo: string) => {
      const key = `${after}|${upTo}`;
      let s = slices.get(key);
      if (!s) {
        admit ??= templateAdmission(plan.items);
        s = itemsBetween(plan.outputs, after, upTo, { config, region, shardId: range.shardId }, admit);
        slices.set(key, s);
      }
      return s;
    };
    const reread = async (item: AggregateItem) =>
      (await deps.aggregates.readStates([item], range.shardId)).get(itemId(item));

    /**
     * Adds the item's contribution of the outputs in (from, upTo], guarded by the hw read, setting hw to upTo.
     * When one update would exceed DynamoDB's expression limit it goes in record prefixes, each moving hw
     * forward exactly as a shorter batch would. `conflict` = the item changed: re-read and decide again.
     */
    const applyRange = async (
      item: AggregateItem,
      from: string,
      upTo: string,
      state: ItemState | undefined,
    ): Promise<'applied' | 'conflict'> => {
      const id = itemId(item);
      const part = from === '' && upTo === range.lastSeq ? item : slice(from, upTo).get(id);
      if (!part) return 'applied';
      const guard = range.enabled ? { shardId: range.shardId, expected: state?.hw, next: upTo } : undefined;
      const result = await deps.aggregates.apply(part, state, guard);
      if (result !== 'too-large') {
        writes++;
        return result;
      }
      const mid = midSequence(plan.outputs, from, upTo);
      if (mid === undefined) {
        // Splitting cannot go below one record: this update can never fit, retrying would only block the shard.
        throw new WriteError('dynamodb', 'one log record contributes more than one update can hold', {
          retryable: false,
        });
      }
      const first = await applyRange(item, from, mid, state);
      if (first === 'conflict') return first;
      const wrote = slice(from, mid).has(id);
      return applyRange(item, mid, upTo, wrote ? await reread(item) : state);
    };

    const states = await deps.aggregates.readStates(items, range.shardId);
    await mapLimit(items, writeConcurrency, async (item) => {
      let state = states.get(itemId(item));
      for (let round = 0; ; round++) {
        const from = resumeFrom(state, range);
        if (from === undefined || (await applyRange(item, from, range.lastSeq, state)) === 'applied') return;
        if (round + 1 >= maxConflictRounds) {
          throw new WriteError('dynamodb', `item kept changing under ${maxConflictRounds} attempts`, {
            retryable: true,
          });
        }
        state = await reread(item);
      }
    });
    // After the items (the roll-up must see what it is told about), and again on every retry of the batch.
    await deps.windows?.mark(windowsOf(items));
    return writes;
  };

  const writeObjects = async (plan: BatchPlan, shardId: string): Promise<number> => {
    const withLines = plan.partitions.filter((p) => p.lines.length > 0);
    await mapLimit(withLines, writeConcurrency, async (p) =>
      deps.objects.put(
        recordObjectKey(recordsPrefix, p.partition, shardId, p.firstSequence),
        await encodeObject(p.lines),
        {
          contentType: 'application/x-ndjson',
          contentEncoding: 'gzip',
          metadata: provenanceMetadata({
            region,
            rulesHash: config.rulesHash,
            records: p.lines.length,
            masked: p.stats.masked,
            shardId,
            firstSequence: p.firstSequence,
            lastSequence: p.lastSequence,
          }),
        },
      ),
    );
    return withLines.length;
  };

  const writePoison = async (plan: BatchPlan): Promise<void> => {
    if (plan.poison.length === 0) return;
    const keys = await deps.failures.park(plan.poison);
    await deps.alerts.send(plan.poison.map((r, i) => alertFor(r, keys[i]!)));
  };

  /**
   * A write refused for good (WriteError, not retryable) would fail every retry of the batch until the records
   * expire, blocking the shard. The batch's stream records are parked instead (reason `write-refused`, one alert
   * each, metric BatchParked by target) and the shard moves on; after the cause is fixed, `sluice redrive` re-injects
   * them. Writes of the batch that did land stay (as with `retries-exhausted`, see functions/redrive/app.ts).
   * False when parking failed too (the failure store shares the bucket): the batch is then retried.
   */
  const parkBatch = async (batch: readonly StreamRecord[], shardId: string, cause: WriteError) => {
    const detail = `${cause.target}: ${cause.message}`;
    const parked: FailedRecord[] = batch.map((r) => ({
      version: 1,
      region,
      shardId,
      sequenceNumber: r.sequenceNumber,
      partitionKey: r.partitionKey,
      reason: 'write-refused',
      detail,
      arrivalMs: r.arrivalMs,
      payload: Buffer.from(r.data).toString('base64'),
    }));
    try {
      const keys = await deps.failures.park(parked);
      await deps.alerts.send(parked.map((r, i) => alertFor(r, keys[i]!)));
    } catch (err) {
      logger.error('parking a refused batch failed; retrying the batch', {
        shardId,
        target: cause.target,
        error: (err as Error).name,
      });
      return false;
    }
    logger.error('write refused for good; batch parked instead of retried', {
      shardId,
      firstSequence: batch[0]?.sequenceNumber,
      records: batch.length,
      target: cause.target,
      message: cause.message,
    });
    metrics.count(M.batchParked, 1, { name: 'target', value: cause.target });
    return true;
  };

  const run = async (event: KinesisStreamEvent, context: LambdaContextLike): Promise<BatchReport> => {
    const started = now();
    const records = toStreamRecords(event);
    const first = event.Records[0];
    if (!first)
      return { response: { batchItemFailures: [] }, processed: 0, dynamodbWrites: 0, objects: 0, poison: 0 };
    const shardId = shardOf(first.eventID);
    const failFrom = (index: number, processed: number, writes = 0, objects = 0): BatchReport => ({
      response: { batchItemFailures: [{ itemIdentifier: records[index]!.sequenceNumber }] },
      processed,
      dynamodbWrites: writes,
      objects,
      poison: 0,
    });

    if (context.getRemainingTimeInMillis() <= reserveMs) {
      logger.warn('no time left for the batch; retrying it', { shardId, records: records.length });
      metrics.count(M.stoppedEarly, 1);
      return failFrom(0, 0);
    }
    const plan = planBatch(records, {
      config,
      region,
      shardId,
      pipelines,
      decode: decodeContext,
      shouldStop: () => context.getRemainingTimeInMillis() <= reserveMs,
    });
    const range: GuardRange = {
      shardId,
      firstSeq: plan.firstSeq,
      lastSeq: plan.lastSeq,
      enabled: idempotency,
    };

    const [objects, aggregates, poison] = await Promise.allSettled([
      writeObjects(plan, shardId),
      writeAggregates(plan, range),
      writePoison(plan),
    ]);
    const writes = aggregates.status === 'fulfilled' ? aggregates.value : 0;
    const objectCount = objects.status === 'fulfilled' ? objects.value : 0;
    const failures = [objects, aggregates, poison]
      .filter((r): r is PromiseRejectedResult => r.status === 'rejected')
      .map((r) => r.reason as unknown);
    const refused = failures.find((e): e is WriteError => e instanceof WriteError && !e.retryable);
    if (refused && poison.status === 'fulfilled') {
      const parked = await parkBatch(records.slice(0, plan.processed), shardId, refused);
      if (parked) {
        const rest = plan.processed < records.length ? failFrom(plan.processed, plan.processed) : undefined;
        return {
          response: rest?.response ?? { batchItemFailures: [] },
          processed: plan.processed,
          dynamodbWrites: writes,
          objects: objectCount,
          poison: plan.poison.length,
        };
      }
    }
    if (failures.length > 0) {
      for (const f of failures) {
        const err = f as Error & { target?: string };
        logger.error('batch write failed; retrying the batch from its first record', {
          shardId,
          firstSequence: records[0]!.sequenceNumber,
          error: err.name,
          target: err.target,
          message: err.message,
        });
      }
      metrics.count(M.batchRetried, 1);
      return failFrom(0, plan.processed, writes, objectCount);
    }

    const s = plan.stats;
    metrics.count(M.kinesisRecords, plan.processed);
    metrics.count(M.recordsIn, s.in);
    metrics.count(M.recordsOut, s.out);
    for (const [reason, n] of Object.entries(s.dropped))
      metrics.count(M.dropped, n, { name: 'reason', value: reason });
    for (const [detector, n] of Object.entries(s.masked)) {
      metrics.count(M.masked, n, { name: 'detector', value: detector });
    }
    const poisonByReason: Record<string, number> = {};
    for (const p of plan.poison) poisonByReason[p.reason] = (poisonByReason[p.reason] ?? 0) + 1;
    for (const [reason, n] of Object.entries(poisonByReason))
      metrics.count(M.failed, n, { name: 'reason', value: reason });
    if (s.clampedTimestamps) metrics.count(M.clampedTimestamps, s.clampedTimestamps);
    metrics.count(M.dynamodbWrites, writes);
    metrics.count(M.s3Objects, objectCount);
    metrics.milliseconds(M.batchDuration, now() - started);
    if (plan.poison.length > 0) {
      logger.warn('records parked in the failure store', {
        shardId,
        parked: plan.poison.map((p) => ({
          key: failedRecordKey(PREFIXES.failed, p.shardId, p.sequenceNumber, p.subSequence),
          reason: p.reason,
        })),
      });
    }
    logger.info('batch processed', {
      shardId,
      firstSequence: records[0]!.sequenceNumber,
      kinesisRecords: plan.processed,
      in: s.in,
      out: s.out,
      failed: plan.poison.length,
      objects: objectCount,
      dynamodbWrites: writes,
      ms: now() - started,
    });

    if (plan.processed < records.length) {
      logger.warn('stopped early near the deadline', {
        shardId,
        processed: plan.processed,
        of: records.length,
      });
      metrics.count(M.stoppedEarly, 1);
      const report = failFrom(plan.processed, plan.processed, writes, objectCount);
      return { ...report, poison: plan.poison.length };
    }
    return {
      response: { batchItemFailures: [] },
      processed: plan.processed,
      dynamodbWrites: writes,
      objects: objectCount,
      poison: plan.poison.length,
    };
  };

  const app = (async (event, context) => (await run(event, context)).response) as ProcessApp;
  app.run = run;
  return app;
}
