import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

export interface SqsPollerOptions {
  sqs: SQSClient;
  queueUrl: string;
  awsRegion: string;
  /** Messages per invocation (the CDK app's SqsEventSource uses 1 for the esm-failures queue). */
  batchSize: number;
  handler: (event: SQSEvent) => Promise<SQSBatchResponse | undefined | null> | Promise<void>;
  /** Seconds a received message stays invisible before SQS redelivers it (failed messages come back then). */
  visibilityTimeoutSeconds?: number;
  log?: (line: string) => void;
}

export interface SqsPoller {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A local SQS event source mapping: long-polls the queue, invokes the handler with Lambda's SQS event and deletes
 * the messages that succeeded (ReportBatchItemFailures); failed ones reappear after the visibility timeout.
 */
export function createSqsPoller(options: SqsPollerOptions): SqsPoller {
  const { sqs, queueUrl } = options;
  let running = false;
  let loop: Promise<void> | undefined;
  let queueArn = '';

  const once = async () => {
    const out = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: options.batchSize,
        WaitTimeSeconds: 1,
        VisibilityTimeout: options.visibilityTimeoutSeconds ?? 30,
        // local-aws-sqs ignores MessageSystemAttributeNames (local-emulators.md).
        AttributeNames: ['All'],
      }),
    );
    const messages = out.Messages ?? [];
    if (messages.length === 0) return;
    const records: SQSRecord[] = messages.map((m) => ({
      messageId: m.MessageId!,
      receiptHandle: m.ReceiptHandle!,
      body: m.Body ?? '',
      attributes: {
        ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? '1',
        SentTimestamp: m.Attributes?.SentTimestamp ?? String(Date.now()),
        SenderId: m.Attributes?.SenderId ?? 'local',
        ApproximateFirstReceiveTimestamp:
          m.Attributes?.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: m.MD5OfBody ?? '',
      eventSource: 'aws:sqs',
      eventSourceARN: queueArn,
      awsRegion: options.awsRegion,
    }));
    let failed = new Set<string>();
    try {
      const res = (await options.handler({ Records: records })) as SQSBatchResponse | undefined | null;
      failed = new Set((res?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch (err) {
      options.log?.(`sqs handler failed: ${(err as Error).name}`);
      return;
    }
    const done = messages.filter((m) => !failed.has(m.MessageId!));
    if (done.length > 0) {
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
        }),
      );
    }
  };

  return {
    async start() {
      if (running) return;
      running = true;
      const attrs = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
      );
      queueArn = attrs.Attributes?.QueueArn ?? '';
      loop = (async () => {
        while (running) {
          try {
            await once();
          } catch (err) {
            if (!running) break;
            options.log?.(`sqs poll failed: ${(err as Error).name}`);
            await new Promise((r) => setTimeout(r, 500));
          }
        }
      })();
    },
    async stop() {
      running = false;
      await loop;
    },
  };
}
