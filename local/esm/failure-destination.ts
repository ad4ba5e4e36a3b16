import { randomUUID } from 'node:crypto';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { EsmFailureMessage } from '../../shared/failure/esm-failure.ts';
import type { BufferedRecord, EventSource } from './event.ts';

export const FAILURE_CONDITIONS = {
  retries: 'RetryAttemptsExhausted',
  age: 'MaximumRecordAgeExceeded',
  payload: 'MaximumPayloadSizeExceeded',
} as const;
export type FailureCondition = (typeof FAILURE_CONDITIONS)[keyof typeof FAILURE_CONDITIONS];

/**
 * The metadata-only message an SQS on-failure destination receives: the records stay in the stream and must be
 * re-read by sequence range before they expire.
 * https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html
 */
export function failureMessage(
  records: readonly BufferedRecord[],
  source: EventSource,
  condition: FailureCondition,
  invokeCount: number,
  now: number,
): EsmFailureMessage {
  const first = records[0]!;
  const last = records[records.length - 1]!;
  return {
    requestContext: {
      requestId: randomUUID(),
      functionArn: source.functionArn,
      condition,
      approximateInvokeCount: invokeCount,
    },
    responseContext: {
      statusCode: 200,
      executedVersion: '$LATEST',
      ...(condition === FAILURE_CONDITIONS.retries && { functionError: 'Unhandled' }),
    },
    version: '1.0',
    timestamp: new Date(now).toISOString(),
    KinesisBatchInfo: {
      shardId: source.shardId,
      startSequenceNumber: first.entry.kinesis.sequenceNumber,
      endSequenceNumber: last.entry.kinesis.sequenceNumber,
      approximateArrivalOfFirstRecord: new Date(first.arrivalMs).toISOString(),
      approximateArrivalOfLastRecord: new Date(last.arrivalMs).toISOString(),
      batchSize: records.length,
      streamArn: source.streamArn,
    },
  };
}

/** Where discarded batches go. Absent destination: Lambda drops them silently, and so does the runner. */
export interface FailureDestination {
  send(message: EsmFailureMessage): Promise<void>;
}

export function sqsFailureDestination(sqs: SQSClient, queueUrl: string): FailureDestination {
  return {
    async send(message) {
      await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(message) }));
    },
  };
}
