/**
 * The small logging and metrics surface the processor needs. handler.ts backs it with Powertools Logger and
 * Metrics (EMF); tests and the benchmark pass silent or recording ones. Nothing logged here ever holds record
 * content: counts, shard ids, sequence numbers, error names.
 */
export interface ProcessLogger {
  info(message: string, attributes?: Record<string, unknown>): void;
  warn(message: string, attributes?: Record<string, unknown>): void;
  error(message: string, attributes?: Record<string, unknown>): void;
}

export interface ProcessMetrics {
  /** A count, optionally under one dimension (`reason`, `detector`). */
  count(name: string, value: number, dimension?: { name: string; value: string }): void;
  milliseconds(name: string, value: number): void;
}

export const silentLogger: ProcessLogger = { info() {}, warn() {}, error() {} };
export const noMetrics: ProcessMetrics = { count() {}, milliseconds() {} };

/** CloudWatch namespace of every function's EMF metrics; infra sets it as POWERTOOLS_METRICS_NAMESPACE. */
export const METRIC_NAMESPACE = 'Sluice';

/** Metric names, one place for the dashboard (infra) to read them from. */
export const PROCESS_METRICS = {
  kinesisRecords: 'KinesisRecords',
  recordsIn: 'RecordsIn',
  recordsOut: 'RecordsOut',
  dropped: 'RecordsDropped',
  masked: 'ValuesMasked',
  failed: 'RecordsFailed',
  batchDuration: 'BatchDuration',
  dynamodbWrites: 'DynamoDBWrites',
  s3Objects: 'S3Objects',
  batchRetried: 'BatchRetried',
  /** Batches parked whole because a write was refused for good (dimension `target`). */
  batchParked: 'BatchParked',
  stoppedEarly: 'BatchStoppedEarly',
  /** Records whose event time was out of bounds, aggregated at their receive time (docs/residency.md). */
  clampedTimestamps: 'ClampedTimestamps',
} as const;
