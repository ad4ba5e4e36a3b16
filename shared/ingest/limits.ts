/**
 * Limits of one ingestion request. Defaults follow the AWS limits in front of and behind the function; tests and the
 * local stack may lower them.
 */
export interface IngestLimits {
  /** Raw (possibly compressed) body. API Gateway HTTP APIs refuse payloads over 10 MB before the function runs. */
  maxBodyBytes: number;
  /** Body after Content-Encoding is undone; a decompression bomb stops here without allocating further. */
  maxDecompressedBytes: number;
  /** Records one request may carry; bigger batches must be split by the shipper. */
  maxRecords: number;
  /**
   * One Kinesis record (data plus partition key) is at most 1 MiB
   * (https://docs.aws.amazon.com/streams/latest/dev/service-sizes-and-limits.html). A normalized record whose
   * envelope would exceed this is refused; we keep headroom for the envelope header and a 256-char partition key.
   */
  maxRecordBytes: number;
  /** Objects/arrays nested deeper than this are refused: downstream stages walk records recursively. */
  maxDepth: number;
}

export const MIB = 1024 * 1024;

export const DEFAULT_LIMITS: IngestLimits = {
  maxBodyBytes: 10 * MIB,
  maxDecompressedBytes: 16 * MIB,
  maxRecords: 100_000,
  maxRecordBytes: MIB - 512,
  maxDepth: 100,
};

/** Seconds a shipper is asked to wait after a retryable refusal (429/503). */
export const RETRY_AFTER_SECONDS = 2;

/** Time budget for getting a request's records into the stream; API Gateway gives the integration 30 s. */
export const DEFAULT_BUDGET_MS = 15_000;
