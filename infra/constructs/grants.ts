import { Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';

/*
 * Narrow grants written out by hand: the L2 `grant*` helpers add `kms:ReEncrypt*`, `kms:GenerateDataKey*` and
 * queue-wide extras that none of the functions need, and every wildcard would need a cdk-nag suppression.
 */

/**
 * Object writes under the given prefixes only (each ends in `/`), plus the KMS calls SSE-KMS writes need.
 * `actions` defaults to PutObject; redrive also deletes what it re-injected.
 */
export function grantPutUnder(
  role: iam.IRole,
  bucket: s3.IBucket,
  key: kms.IKey,
  prefixes: readonly string[],
  actions: readonly string[] = ['s3:PutObject'],
): void {
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: [...actions],
      resources: prefixes.map((p) => bucket.arnForObjects(`${p}*`)),
    }),
  );
  acknowledgePrefixWildcards(role, bucket, prefixes);
  grantKeyUse(role, key);
}

/** GetObject under the prefixes and ListBucket restricted to them (condition `s3:prefix`). */
export function grantReadUnder(
  role: iam.IRole,
  bucket: s3.IBucket,
  key: kms.IKey,
  prefixes: readonly string[],
): void {
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['s3:GetObject'],
      resources: prefixes.map((p) => bucket.arnForObjects(`${p}*`)),
    }),
  );
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['s3:ListBucket'],
      resources: [bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': prefixes.map((p) => `${p}*`) } },
    }),
  );
  acknowledgePrefixWildcards(role, bucket, prefixes);
  grantKeyUse(role, key);
}

/**
 * Object keys are made per batch (shard, sequence number, partition), so object-level grants need a prefix
 * wildcard. The acknowledgement names the exact `<bucket>/<prefix>*` pattern: any other wildcard still fails.
 */
function acknowledgePrefixWildcards(role: iam.IRole, bucket: s3.IBucket, prefixes: readonly string[]): void {
  const cfnBucket = bucket.node.defaultChild as s3.CfnBucket | undefined;
  if (!cfnBucket) return;
  const logicalId = Stack.of(bucket).getLogicalId(cfnBucket);
  for (const p of prefixes) {
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>/${p}*]`,
      reason: `Objects under ${p} are named per batch at run time; the grant is limited to that prefix of the region's own bucket.`,
    });
  }
}

/** SendMessage (and SendMessageBatch, which shares the action) on one KMS-encrypted queue. */
export function grantSend(role: iam.IRole, queue: sqs.IQueue, key: kms.IKey): void {
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queue.queueArn] }),
  );
  grantKeyUse(role, key);
}

/**
 * Encrypting with SSE-KMS (S3 objects, SQS messages, Kinesis records read back) needs GenerateDataKey for new data
 * keys and Decrypt for cached or multipart ones. Policies are deduplicated by CDK, so repeated calls add nothing.
 */
export function grantKeyUse(role: iam.IRole, key: kms.IKey): void {
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [key.keyArn] }),
  );
}

/**
 * On-failure destination of an event source mapping that grants only SendMessage (the CDK `SqsDlq` grants the
 * queue's whole send set including `kms:ReEncrypt*`).
 */
export class NarrowSqsDestination implements lambda.IEventSourceDlq {
  constructor(
    private readonly queue: sqs.IQueue,
    private readonly key: kms.IKey,
  ) {}

  bind(_target: lambda.IEventSourceMapping, fn: lambda.IFunction): lambda.DlqDestinationConfig {
    if (fn.role) grantSend(fn.role, this.queue, this.key);
    return { destination: this.queue.queueArn };
  }
}
