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
] as const;
export type PoisonReason = (typeof POISON_REASONS)[number];

/** A record that will never process: parked in the failure store, never retried automatically. */
export class PoisonRecordError extends Error {
  override readonly name = 'PoisonRecordError';
  readonly reason: PoisonReason;
  constructor(reason: PoisonReason, message: string, options?: ErrorOptions) {
    super(message, options);
    this.reason = reason;
  }
}

/** A write that may succeed when tried again (throttling, 5xx, timeouts, a lost race): the batch is retried. */
export class RetryableWriteError extends Error {
  override readonly name = 'RetryableWriteError';
  /** Which output failed: `s3`, `dynamodb`, `failure-store`, `alert-queue`, `kinesis`. */
  readonly target: string;
  constructor(target: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.target = target;
  }
}

/** A write AWS refused for good (access denied, missing bucket or table): retrying will not help, a human must. */
export class PermanentWriteError extends Error {
  override readonly name = 'PermanentWriteError';
  readonly target: string;
  constructor(target: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.target = target;
  }
}
