import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import type { RegionConfig } from '../../shared/config/schema.ts';

/** The slice of the Lambda context the processor uses. */
export interface InvokeContext {
  getRemainingTimeInMillis(): number;
  awsRequestId: string;
  functionName: string;
}

/** The function an event source mapping invokes: the processor app in the local stack, a script in tests. */
export type EsmHandler = (
  event: KinesisStreamEvent,
  context: InvokeContext,
) => Promise<KinesisStreamBatchResponse | undefined | null> | Promise<void>;

/** The event source mapping properties the runner honours, with the names of CreateEventSourceMapping. */
export interface EsmSettings {
  /** 1–10,000 records per invocation. */
  batchSize: number;
  /** 0–300 s to gather records before invoking with a partial batch. */
  batchingWindowSeconds: number;
  /** Retries after the first failed invocation; -1 = until the records expire (AWS default). */
  maxRetryAttempts: number;
  /** Records older than this are skipped to the on-failure destination; -1 = never (AWS default). */
  maxRecordAgeSeconds: number;
  /** BisectBatchOnFunctionError. */
  bisectOnError: boolean;
}

/**
 * The mapping the CDK app creates for a region (ReportBatchItemFailures and bisect on, parallelization factor 1,
 * TRIM_HORIZON), read from the same config block.
 */
export function esmSettingsFromConfig(processor: RegionConfig['processor']): EsmSettings {
  return {
    batchSize: processor.batchSize,
    batchingWindowSeconds: processor.batchingWindowSeconds,
    maxRetryAttempts: processor.maxRetryAttempts,
    maxRecordAgeSeconds: processor.maxRecordAgeSeconds,
    bisectOnError: true,
  };
}

/** Lambda's synchronous invocation payload limit (request), which caps an event source mapping batch. */
export const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;
