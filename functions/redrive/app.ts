import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { AlertQueue } from '../../shared/adapters/alert-queue.ts';
import type { FailureStore } from '../../shared/adapters/failure-store.ts';
import type { RecordSink } from '../../shared/adapters/kinesis-producer.ts';
import type { StreamReader } from '../../shared/adapters/stream-reader.ts';
import type { EsmFailureMessage } from '../../shared/failure/esm-failure.ts';
import { alertFor, type FailedRecord } from '../../shared/process/failure-record.ts';
import type { ProcessLogger } from '../../shared/runtime/telemetry.ts';
import { silentLogger } from '../../shared/runtime/telemetry.ts';

/**
 * Redrive: the way back from the failure store.
 *
 * (a) SQS events from the event source mapping's on-failure queue carry only metadata (shard, sequence range).
 *     The records are re-read from the stream (before they expire) and parked in the failure store, one object
 *     per stream record, with reason `retries-exhausted`: an operator can see them and redrive them.
 * (b) `{action: 'redrive', prefix?, limit?}` re-injects parked records into the region's stream (their exact bytes,
 *     original partition key) and deletes each parked object once its record is durably in the stream.
 *
 * What a redrive can and cannot double count (records keep their `ingest.id`, so duplicates are visible in S3):
 *  - Poison records (decode/validation failures) had no effect before parking: redriving them is exact.
 *  - A crash of the redrive between PutRecords succeeding and the parked object's deletion re-injects those
 *    records again on the next redrive (at most one PutRecords call's worth, ≤ 500 records).
 *  - Records parked because retries ran out may have landed partly before the processor gave up (S3 objects and
 *    aggregate items of the failed attempts, guarded by the old sequence numbers). Re-injected records get new
 *    sequence numbers, which that guard cannot relate to the old ones: redriving such a batch can duplicate its
 *    records in S3 and count them twice in aggregates. Redrive those only after checking (by ingest.id) what
 *    landed, or accept the over-count; the failure alert says which shard range it was.
 */
export interface RedriveDeps {
  region: string;
  failures: FailureStore;
  alerts: AlertQueue;
  reader: StreamReader;
  sink: RecordSink;
  logger?: ProcessLogger;
  /** How long one redrive may keep retrying PutRecords failures, ms. */
  putBudgetMs?: number;
  now?: () => number;
}

export interface RedriveRequest {
  action: 'redrive';
  /** Under `failed/`, e.g. `shardId-000000000001/`; all parked records when absent. */
  prefix?: string;
  /** At most this many records (default 1000). */
  limit?: number;
}

export interface RedriveResult {
  redriven: number;
  /** Parked records still in the store (PutRecords did not accept them in time). */
  remaining: number;
  keys: string[];
}

export interface ParkResult {
  parked: number;
  /** Records of the range that had already expired from the stream: lost, alerted. */
  missing: boolean;
}

export interface RedriveApp {
  (event: SQSEvent | RedriveRequest): Promise<SQSBatchResponse | RedriveResult>;
  parkEsmFailure(message: EsmFailureMessage): Promise<ParkResult>;
  redrive(request?: Omit<RedriveRequest, 'action'>): Promise<RedriveResult>;
}

const isRedrive = (e: unknown): e is RedriveRequest =>
  typeof e === 'object' && e !== null && (e as { action?: unknown }).action === 'redrive';

/** `…/<seq>.<subSequence>.json`: one KPL user record of a stream record (see failedRecordKey). */
const SUB_RECORD_KEY = /\.\d+\.json$/;

/** PutRecords takes up to 500 entries: redrive in chunks so a crash repeats at most one chunk. */
const CHUNK = 500;

export function createRedriveApp(deps: RedriveDeps): RedriveApp {
  const { logger = silentLogger, putBudgetMs = 30_000, now = Date.now } = deps;

  const parkEsmFailure = async (message: EsmFailureMessage): Promise<ParkResult> => {
    const info = message.KinesisBatchInfo;
    const records = await deps.reader.readRange(
      info.shardId,
      info.startSequenceNumber,
      info.endSequenceNumber,
    );
    const parked: FailedRecord[] = records.map((r) => ({
      version: 1,
      region: deps.region,
      shardId: info.shardId,
      sequenceNumber: r.sequenceNumber,
      partitionKey: r.partitionKey,
      reason: 'retries-exhausted',
      detail: `${message.requestContext.condition} after ${message.requestContext.approximateInvokeCount} invocations`,
      arrivalMs: r.arrivalMs,
      payload: Buffer.from(r.data).toString('base64'),
    }));
    const keys = await deps.failures.park(parked);
    await deps.alerts.send(parked.map((p, i) => alertFor(p, keys[i]!)));
    const missing = records.length < info.batchSize;
    logger[missing ? 'error' : 'warn']('batch parked from the on-failure destination', {
      shardId: info.shardId,
      startSequenceNumber: info.startSequenceNumber,
      endSequenceNumber: info.endSequenceNumber,
      batchSize: info.batchSize,
      parked: parked.length,
      condition: message.requestContext.condition,
    });
    return { parked: parked.length, missing };
  };

  const redrive = async (request: Omit<RedriveRequest, 'action'> = {}): Promise<RedriveResult> => {
    const listed = await deps.failures.list(request.prefix ?? '', request.limit ?? 1000);
    // A KPL user record parked as poison (`<seq>.<k>.json`) is inside its whole stream record when that was parked
    // too (`<seq>.json`, retries exhausted): re-injecting both would deliver user record k twice.
    const whole = new Set(listed.filter((k) => !SUB_RECORD_KEY.test(k)));
    const wholeOf = (k: string) => k.replace(SUB_RECORD_KEY, '.json');
    const covered = new Set(listed.filter((k) => SUB_RECORD_KEY.test(k) && whole.has(wholeOf(k))));
    const keys = listed.filter((k) => !covered.has(k));
    let redriven = 0;
    let remaining = 0;
    const done: string[] = [];
    for (let i = 0; i < keys.length; i += CHUNK) {
      const chunk = keys.slice(i, i + CHUNK);
      const records = await Promise.all(chunk.map((k) => deps.failures.get(k)));
      const present = chunk.flatMap((k, j) => (records[j] ? [{ key: k, record: records[j] }] : []));
      const result = await deps.sink.put(
        present.map((p) => ({
          data: Buffer.from(p.record.payload, 'base64'),
          partitionKey: p.record.partitionKey || p.key,
        })),
        { deadline: now() + putBudgetMs },
      );
      // Delete only what the stream accepted: the rest stays parked for the next redrive. One at a time: deletes
      // are few and s3rver fails concurrent deletes in one folder.
      for (const [j, p] of present.entries()) {
        if (!result.accepted[j]) {
          remaining++;
          continue;
        }
        await deps.failures.remove(p.key);
        redriven++;
        done.push(p.key);
      }
    }
    const redone = new Set(done);
    for (const k of covered) if (redone.has(wholeOf(k))) await deps.failures.remove(k);
    logger.info('redrive finished', { redriven, remaining });
    return { redriven, remaining, keys: done };
  };

  const app = (async (event: SQSEvent | RedriveRequest) => {
    if (isRedrive(event)) return redrive(event);
    const batchItemFailures: { itemIdentifier: string }[] = [];
    for (const m of event.Records) {
      try {
        await parkEsmFailure(JSON.parse(m.body) as EsmFailureMessage);
      } catch (err) {
        logger.error('parking an on-failure batch failed; SQS will redeliver it', {
          messageId: m.messageId,
          error: (err as Error).name,
        });
        batchItemFailures.push({ itemIdentifier: m.messageId });
      }
    }
    return { batchItemFailures };
  }) as RedriveApp;
  app.parkEsmFailure = parkEsmFailure;
  app.redrive = redrive;
  return app;
}
