import { Duration, Validations } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface FailureQueuesProps {
  /** Alert queue: one message per record parked in the failure store (`failureQueueName`). */
  readonly failureQueueName: string;
  /** Dead-letter queue of the alert queue (`failureQueueDlqName`). */
  readonly failureQueueDlqName: string;
  /** On-failure destination of the processor's event source mapping (`esmFailureQueueName`). */
  readonly esmFailureQueueName: string;
  /** Customer-managed key for SSE-KMS on every queue. */
  readonly key: kms.IKey;
  /** Visibility timeout of the ESM failure queue; must exceed the redrive function's timeout. */
  readonly esmVisibilityTimeout: Duration;
}

/** How often a message may fail before it moves to a DLQ. */
const MAX_RECEIVES = 5;

/**
 * The queues of the failure path, all KMS-encrypted and TLS-only: the ESM on-failure queue (batch metadata that
 * the redrive function turns into parked records) and the alert queue, each with its own DLQ.
 */
export class FailureQueues extends Construct {
  readonly failureQueue: sqs.Queue;
  readonly failureDlq: sqs.Queue;
  readonly esmFailureQueue: sqs.Queue;
  readonly esmFailureDlq: sqs.Queue;

  constructor(scope: Construct, id: string, props: FailureQueuesProps) {
    super(scope, id);
    const encrypted = {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.key,
      // SQS reuses a data key for this long, bounding KMS calls (and cost) per queue.
      dataKeyReuse: Duration.hours(1),
      enforceSSL: true,
    };
    // Failure messages must outlive an incident: the DLQs keep them for the SQS maximum of 14 days.
    const retention = Duration.days(14);
    this.failureDlq = new sqs.Queue(this, 'FailureDlq', {
      ...encrypted,
      queueName: props.failureQueueDlqName,
      retentionPeriod: retention,
    });
    this.failureQueue = new sqs.Queue(this, 'FailureQueue', {
      ...encrypted,
      queueName: props.failureQueueName,
      retentionPeriod: retention,
      deadLetterQueue: { queue: this.failureDlq, maxReceiveCount: MAX_RECEIVES },
    });
    this.esmFailureDlq = new sqs.Queue(this, 'EsmFailureDlq', {
      ...encrypted,
      queueName: `${props.esmFailureQueueName}-dlq`,
      retentionPeriod: retention,
    });
    this.esmFailureQueue = new sqs.Queue(this, 'EsmFailureQueue', {
      ...encrypted,
      queueName: props.esmFailureQueueName,
      retentionPeriod: retention,
      visibilityTimeout: props.esmVisibilityTimeout,
      deadLetterQueue: { queue: this.esmFailureDlq, maxReceiveCount: MAX_RECEIVES },
    });
    for (const dlq of [this.failureDlq, this.esmFailureDlq]) {
      Validations.of(dlq).acknowledge({
        id: 'AwsSolutions-SQS3',
        reason: 'This queue is itself a dead-letter queue; its depth is alarmed on.',
      });
    }
  }
}
