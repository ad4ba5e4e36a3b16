import type { PoisonReason } from './errors.ts';
import { padSeq } from './seq.ts';

/**
 * A record parked in the failure store (`failed/` prefix of the region's bucket): the payload exactly as the stream
 * held it, so a redrive after a fix re-injects the same bytes. Stored in the region: payloads are unmasked.
 */
export interface FailedRecord {
  version: 1;
  region: string;
  shardId: string;
  sequenceNumber: string;
  /** KPL user record index inside its aggregate; absent for plain records. */
  subSequence?: number;
  partitionKey: string;
  reason: PoisonReason;
  /** Why, without record content. */
  detail: string;
  arrivalMs: number;
  /** base64 of the payload. */
  payload: string;
}

/**
 * Deterministic key per stream position: parking the same record twice (a retried batch) overwrites one object.
 * `failed/<shardId>/<padded sequence>[.<sub>].json`
 */
export function failedRecordKey(
  prefix: string,
  shardId: string,
  sequenceNumber: string,
  subSequence?: number,
): string {
  return `${prefix}${shardId}/${padSeq(sequenceNumber)}${subSequence === undefined ? '' : `.${subSequence}`}.json`;
}

/** What the alert queue receives per parked record: where it is and why, never the payload. */
export interface FailureAlert {
  kind: 'sluice.failed-record';
  region: string;
  key: string;
  reason: PoisonReason;
  detail: string;
  shardId: string;
  sequenceNumber: string;
}

export function alertFor(record: FailedRecord, key: string): FailureAlert {
  return {
    kind: 'sluice.failed-record',
    region: record.region,
    key,
    reason: record.reason,
    detail: record.detail,
    shardId: record.shardId,
    sequenceNumber: record.sequenceNumber,
  };
}
