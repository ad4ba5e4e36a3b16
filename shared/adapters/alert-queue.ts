import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { WriteError } from '../process/errors.ts';
import type { FailureAlert } from '../process/failure-record.ts';
import { writeError } from './aws-errors.ts';

/** The alerting queue (FAILURE_QUEUE_URL): one message per parked record. Delivery is at least once. */
export interface AlertQueue {
  send(alerts: readonly FailureAlert[]): Promise<void>;
}

/** SendMessageBatch takes at most 10 entries: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html */
const SQS_BATCH = 10;

export function createSqsAlertQueue(client: SQSClient, queueUrl: string): AlertQueue {
  return {
    async send(alerts) {
      for (let i = 0; i < alerts.length; i += SQS_BATCH) {
        let entries = alerts
          .slice(i, i + SQS_BATCH)
          .map((a, k) => ({ Id: String(k), MessageBody: JSON.stringify(a) }));
        // Partial failures: resend only the failed entries, once; then the batch is retried as a whole.
        for (let attempt = 0; entries.length > 0; attempt++) {
          let failed: Set<string>;
          try {
            const res = await client.send(
              new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }),
            );
            failed = new Set((res.Failed ?? []).map((f) => f.Id ?? ''));
          } catch (err) {
            throw writeError('alert-queue', 'SendMessageBatch', err);
          }
          entries = entries.filter((e) => failed.has(e.Id));
          if (entries.length > 0 && attempt >= 1) {
            throw new WriteError('alert-queue', `${entries.length} alert messages not accepted`, {
              retryable: true,
            });
          }
        }
      }
    },
  };
}

export interface MemoryAlertQueue extends AlertQueue {
  readonly messages: FailureAlert[];
}

export function createMemoryAlertQueue(): MemoryAlertQueue {
  const messages: FailureAlert[] = [];
  return {
    messages,
    async send(alerts) {
      messages.push(...alerts);
    },
  };
}
