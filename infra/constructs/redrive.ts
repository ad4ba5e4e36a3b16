import type { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { grantKeyUse, grantPutUnder, grantReadUnder, grantSend } from './grants.ts';
import { type FunctionSettings, SluiceFunction } from './sluice-function.ts';

export interface RedriveProps {
  /** Settings shared by every function of the region. */
  readonly functions: FunctionSettings;
  /** The regional stream: re-read for failed batches, written for redriven records. */
  readonly stream: kinesis.IStream;
  /** Key of the stream, bucket and queues. */
  readonly key: kms.IKey;
  /** Regional bucket holding the failure store. */
  readonly bucket: s3.IBucket;
  /** The failure-store prefix (`failed/`): the only part of the bucket the function reads or writes. */
  readonly failedPrefix: string;
  /** Queue the processor's event source mapping sends failed-batch metadata to; this function consumes it. */
  readonly esmFailureQueue: sqs.IQueue;
  /** Alert queue: one message per record parked. */
  readonly failureQueue: sqs.IQueue;
  /** Invocation timeout; the ESM failure queue's visibility timeout must exceed it. */
  readonly timeout: Duration;
}

/**
 * The redrive function: parks the records of batches the event source mapping gave up on (re-read from the stream
 * by the shard and sequence range in the SQS message) in the failure store, and on a direct invocation
 * `{action: 'redrive', ...}` re-injects parked records into the stream after a fix.
 */
export class Redrive extends Construct {
  readonly function: SluiceFunction;

  constructor(scope: Construct, id: string, props: RedriveProps) {
    super(scope, id);
    this.function = new SluiceFunction(this, 'Redrive', {
      ...props.functions,
      name: 'redrive',
      memoryMb: 512,
      timeout: props.timeout,
      description: 'sluice failure-store redrive',
    });
    const role = this.function.role;
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        // Re-read a failed range (stream-reader.ts) and put records back (kinesis-producer.ts): nothing else.
        actions: ['kinesis:GetShardIterator', 'kinesis:GetRecords', 'kinesis:PutRecords'],
        resources: [props.stream.streamArn],
      }),
    );
    grantKeyUse(role, props.key);
    grantReadUnder(role, props.bucket, props.key, [props.failedPrefix]);
    // A parked record is deleted once redrive has put it back into the stream.
    grantPutUnder(role, props.bucket, props.key, [props.failedPrefix], ['s3:PutObject', 's3:DeleteObject']);
    grantSend(role, props.failureQueue, props.key);
    this.function.fn.addEventSource(
      new SqsEventSource(props.esmFailureQueue, { batchSize: 1, reportBatchItemFailures: true }),
    );
  }
}
