import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { KinesisEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { SecretRef } from '../../shared/config/schema.ts';
import { PROCESSOR_TIMEOUT_SECONDS } from '../../shared/resources.ts';
import { addStatements, secretReadStatements } from '../secret-refs.ts';
import { grantPutUnder, grantSend, NarrowSqsDestination } from './grants.ts';
import { type FunctionSettings, SluiceFunction } from './sluice-function.ts';

/** Event source mapping settings, straight from the region's `processor` config block. */
export interface ProcessorMappingSettings {
  /** Records per invocation (Kinesis maximum 10,000; the payload is also capped at 6 MB). */
  readonly batchSize: number;
  /** Seconds Lambda waits to fill a batch (0–300). */
  readonly batchingWindowSeconds: number;
  /** Retries of a failing batch before it goes to the on-failure queue; finite so a poison batch cannot block. */
  readonly maxRetryAttempts: number;
  /** Records older than this are sent to the on-failure queue instead of retried (60 s – 7 days). */
  readonly maxRecordAgeSeconds: number;
  /** Concurrent batches per shard; 1 keeps each shard strictly in order, which the exactly-once design needs. */
  readonly parallelizationFactor: number;
}

export interface StreamProcessorProps {
  /** Settings shared by every function of the region. */
  readonly functions: FunctionSettings;
  /** The regional stream the mapping reads. */
  readonly stream: kinesis.IStream;
  /** Key of the stream, bucket and queues. */
  readonly key: kms.IKey;
  /** Regional bucket; the function may write only below `prefixes`. */
  readonly bucket: s3.IBucket;
  /** Writable prefixes of the bucket (`records/`, `failed/`). */
  readonly prefixes: readonly string[];
  /** Alert queue: one message per record parked in the failure store. */
  readonly failureQueue: sqs.IQueue;
  /** On-failure destination of the mapping (batch metadata after retries or record age run out). */
  readonly esmFailureQueue: sqs.IQueue;
  /** The regional aggregate table (working state); the processor has no access to the global table. */
  readonly regionalTableName: string;
  /** Residency region whose items (`pk` starting `<region>#`, dirty marks `dirty#<region>`) the function may write. */
  readonly region: string;
  /** Event source mapping settings. */
  readonly mapping: ProcessorMappingSettings;
  /** Function memory in MB. */
  readonly memoryMb: number;
  /** HMAC key secrets named in the config, readable at cold start. */
  readonly secrets: readonly SecretRef[];
}

/**
 * Item-level actions the processor uses on the aggregate table (shared/adapters/aggregate-store.ts): guarded
 * UpdateItem, the consistent BatchGetItem before it, Query for readers. No Put/BatchWrite: those could replace
 * an item whole, high-water marks included.
 */
export const PROCESSOR_TABLE_ACTIONS = [
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:UpdateItem',
] as const;

/** The processor function and its Kinesis event source mapping. */
export class StreamProcessor extends Construct {
  readonly function: SluiceFunction;
  readonly eventSource: KinesisEventSource;

  constructor(scope: Construct, id: string, props: StreamProcessorProps) {
    super(scope, id);
    this.function = new SluiceFunction(this, 'Process', {
      ...props.functions,
      name: 'process',
      memoryMb: props.memoryMb,
      timeout: Duration.seconds(PROCESSOR_TIMEOUT_SECONDS),
      description: `sluice stream processor (${props.region})`,
    });
    const role = this.function.role;
    grantPutUnder(role, props.bucket, props.key, props.prefixes);
    grantSend(role, props.failureQueue, props.key);
    addStatements(role, secretReadStatements(Stack.of(this), props.secrets));

    // The regional table only (docs/residency.md: the global table is written by the roll-up alone), and only
    // this region's items and dirty marks.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [...PROCESSOR_TABLE_ACTIONS],
        resources: [
          Stack.of(this).formatArn({
            service: 'dynamodb',
            resource: 'table',
            resourceName: props.regionalTableName,
          }),
        ],
        conditions: {
          'ForAllValues:StringLike': {
            'dynamodb:LeadingKeys': [`${props.region}#*`, `dirty#${props.region}`],
          },
        },
      }),
    );

    this.eventSource = new KinesisEventSource(props.stream, {
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      batchSize: props.mapping.batchSize,
      maxBatchingWindow: Duration.seconds(props.mapping.batchingWindowSeconds),
      bisectBatchOnError: true,
      retryAttempts: props.mapping.maxRetryAttempts,
      maxRecordAge: Duration.seconds(props.mapping.maxRecordAgeSeconds),
      parallelizationFactor: props.mapping.parallelizationFactor,
      reportBatchItemFailures: true,
      onFailure: new NarrowSqsDestination(props.esmFailureQueue, props.key),
    });
    this.function.fn.addEventSource(this.eventSource);
  }
}
