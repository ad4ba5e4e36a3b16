import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface RecordBucketProps {
  /** Bucket name from `regionResources(config, region).bucketName`. */
  readonly bucketName: string;
  /** Customer-managed key for SSE-KMS (with an S3 bucket key, so KMS is called per object group, not per object). */
  readonly key: kms.IKey;
  /** Masked records and parked failures are deleted this many days after they are written. */
  readonly expireDays: number;
  /** Move objects to S3 Standard-IA after this many days (S3 requires at least 30). */
  readonly infrequentAccessAfterDays?: number;
}

/**
 * The regional bucket: masked records under `records/`, the failure store under `failed/`. SSE-KMS, no public
 * access, TLS only, no replication (raw-derived data never leaves the region), server access logs to a sibling
 * bucket in the same region.
 */
export class RecordBucket extends Construct {
  readonly bucket: s3.Bucket;
  readonly accessLogs: s3.Bucket;

  constructor(scope: Construct, id: string, props: RecordBucketProps) {
    super(scope, id);
    // Server access log targets must use SSE-S3: S3 log delivery cannot write with a customer-managed KMS key
    // (https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html).
    this.accessLogs = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [
        { id: 'expire-access-logs', expiration: Duration.days(Math.max(props.expireDays, 90)) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This bucket is the server-access-log target of the records bucket; logging it into itself would loop.',
    });

    const transitions =
      props.infrequentAccessAfterDays !== undefined && props.infrequentAccessAfterDays < props.expireDays
        ? [
            {
              storageClass: s3.StorageClass.INFREQUENT_ACCESS,
              transitionAfter: Duration.days(props.infrequentAccessAfterDays),
            },
          ]
        : [];
    this.bucket = new s3.Bucket(this, 'Bucket', {
      bucketName: props.bucketName,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: props.key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Versioning keeps an overwritten or deleted object for a week: retried batches rewrite the same keys by
      // design, and an operator's mistaken delete of audit-relevant records stays recoverable.
      versioned: true,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'records-bucket/',
      lifecycleRules: [
        {
          id: 'expire-records',
          expiration: Duration.days(props.expireDays),
          transitions,
          noncurrentVersionExpiration: Duration.days(7),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
