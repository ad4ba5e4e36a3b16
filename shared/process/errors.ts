import { SluiceError } from '../errors.ts';

/**
 * Two kinds of failure and nothing in between: a poison record can never succeed (it is parked and counts as
 * processed), a retryable error may succeed later (the batch is reported failed from a safe checkpoint).
 */

export const POISON_REASONS = [
  /** Bytes that are not UTF-8, broken gzip, a KPL record whose checksum or protobuf is wrong. */
  'undecodable',
  /** Starts like a sluice envelope but a line is not a serialized record. */
  'invalid-envelope',
  /** A record whose fields have the wrong types for the pipeline. */
  'invalid-record',
  /** Tenant not in the config, or not served by this region. */
  'unknown-tenant',
  /** Record stamped with another residency region than this stream's. */
  'wrong-region',
  /** A record without envelope, and no tenant of this region to attribute it to. */
  'no-default-tenant',
  /** Decompresses beyond the cap (decompression bomb). */
  'too-large',
  /** Delivered to the ESM on-failure destination: retries or record age exhausted (parked by redrive). */
  'retries-exhausted',
  /** A write of the batch was refused for good (access denied, missing table, an item that can never fit). */
  'write-refused',
] as const;
export type PoisonReason = (typeof POISON_REASONS)[number];

/** A record that will never process: parked in the failure store, never retried automatically. */
export class PoisonRecordError extends SluiceError {
  override readonly name = 'PoisonRecordError';
  readonly reason: PoisonReason;
  constructor(reason: PoisonReason, message: string, options?: ErrorOptions) {
    super(message, options);
    this.reason = reason;
  }
}

/** Which output a write went to. */
export const WRITE_TARGETS = ['s3', 'dynamodb', 'failure-store', 'alert-queue', 'kinesis'] as const;
export type WriteTarget = (typeof WRITE_TARGETS)[number];

/**
 * A write that failed. `retryable`: it may succeed when tried again (throttling, 5xx, timeouts, a lost race), so
 * the batch is retried from its first record. Not retryable: AWS refused it for good (access denied, a missing
 * bucket or table, an item that can never fit) — the processor parks the batch instead of retrying it
 * (functions/process/app.ts), and a human must fix the cause before redriving.
 */
export class WriteError extends SluiceError {
  override readonly name = 'WriteError';
  readonly target: WriteTarget;
  constructor(target: WriteTarget, message: string, options: { retryable: boolean; cause?: unknown }) {
    super(message, options);
    this.target = target;
  }
}
