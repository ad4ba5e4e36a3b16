import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import type { SluiceConfig } from '../../shared/config/load.ts';
import { globalResources, regionResources } from '../../shared/resources.ts';
import { FailureQueues } from '../constructs/failure-queues.ts';
import { IngestEndpoint } from '../constructs/ingest-endpoint.ts';
import { Monitoring } from '../constructs/monitoring.ts';
import { RecordBucket } from '../constructs/record-bucket.ts';
import { RecordStream } from '../constructs/record-stream.ts';
import { RecordsCatalog } from '../constructs/records-catalog.ts';
import { Redrive } from '../constructs/redrive.ts';
import { Rollup } from '../constructs/rollup.ts';
import type { FunctionSettings } from '../constructs/sluice-function.ts';
import { StreamProcessor } from '../constructs/stream-processor.ts';
import { secretUse } from '../secret-refs.ts';

export interface PipelineStackProps extends StackProps {
  /** The validated config; the stack reads its own region's block and the tenants homed there. */
  readonly config: SluiceConfig;
  /** Residency region name (a key of `config.regions`). */
  readonly region: string;
  /** Absolute path of the config file, copied into every function bundle. */
  readonly configPath: string;
  /** Absolute path of the `functions/` folder. */
  readonly functionsDir: string;
}

/** Redrive may run this long; the ESM failure queue hides a message 6× longer so a retry never overlaps. */
const REDRIVE_TIMEOUT = Duration.minutes(5);

/**
 * One residency region's pipeline: HTTP API → ingest → Kinesis → processor → S3 (masked records, failure store)
 * and the regional aggregate table, rolled up into the region's items of the global aggregate table, plus the failure path, the Glue catalog and monitoring.
 */
export class PipelineStack extends Stack {
  readonly key: kms.Key;
  readonly stream: RecordStream;
  readonly bucket: RecordBucket;
  readonly queues: FailureQueues;
  readonly ingest: IngestEndpoint;
  readonly processor: StreamProcessor;
  readonly redrive: Redrive;
  readonly rollup: Rollup;
  readonly catalog: RecordsCatalog;
  readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props: PipelineStackProps) {
    super(scope, id, props);
    const { config, region } = props;
    const regionConfig = config.regions[region];
    if (!regionConfig) throw new RangeError(`unknown region "${region}"`);
    // Without an account in the config, the deploy-time one (a token) keeps the bucket name globally unique.
    const names = regionResources(config, region, this.account);
    const { tableName } = globalResources(config);
    const secrets = secretUse(config, region);

    this.key = new kms.Key(this, 'DataKey', {
      alias: `alias/${names.stackName}`,
      description: `sluice ${region}: stream, bucket, queues and alarm topic`,
      enableKeyRotation: true,
    });
    this.stream = new RecordStream(this, 'Records', {
      streamName: names.streamName,
      key: this.key,
      mode: regionConfig.stream.mode,
      shards: regionConfig.stream.shards,
      retentionHours: regionConfig.stream.retentionHours,
    });
    this.bucket = new RecordBucket(this, 'Store', {
      bucketName: names.bucketName,
      key: this.key,
      expireDays: regionConfig.bucket.expireDays,
      ...(regionConfig.bucket.infrequentAccessAfterDays !== undefined
        ? { infrequentAccessAfterDays: regionConfig.bucket.infrequentAccessAfterDays }
        : {}),
    });
    this.queues = new FailureQueues(this, 'FailurePath', {
      failureQueueName: names.failureQueueName,
      failureQueueDlqName: names.failureQueueDlqName,
      esmFailureQueueName: names.esmFailureQueueName,
      key: this.key,
      esmVisibilityTimeout: Duration.seconds(REDRIVE_TIMEOUT.toSeconds() * 6),
    });

    const functions: FunctionSettings = {
      functionsDir: props.functionsDir,
      configPath: props.configPath,
      region,
      environment: {
        STREAM_NAME: names.streamName,
        BUCKET_NAME: names.bucketName,
        TABLE_NAME: tableName,
        FAILURE_QUEUE_URL: this.queues.failureQueue.queueUrl,
      },
    };
    this.ingest = new IngestEndpoint(this, 'Ingest', {
      functions,
      stream: this.stream.stream,
      key: this.key,
      secrets: secrets.ingestionKeys,
      throttleRatePerSecond: regionConfig.ingest.throttleRatePerSecond,
      throttleBurst: regionConfig.ingest.throttleBurst,
      ...(regionConfig.ingest.customDomain ? { customDomain: regionConfig.ingest.customDomain } : {}),
    });
    this.rollup = new Rollup(this, 'Aggregates', {
      functions,
      key: this.key,
      regionalTableName: names.regionalTableName,
      globalTableName: tableName,
      region,
      secrets: secrets.hmacKeys,
    });
    this.processor = new StreamProcessor(this, 'Processor', {
      functions,
      stream: this.stream.stream,
      key: this.key,
      bucket: this.bucket.bucket,
      prefixes: [names.prefixes.records, names.prefixes.failed],
      failureQueue: this.queues.failureQueue,
      esmFailureQueue: this.queues.esmFailureQueue,
      regionalTableName: names.regionalTableName,
      region,
      mapping: regionConfig.processor,
      memoryMb: regionConfig.processor.memoryMb,
      secrets: secrets.hmacKeys,
    });
    this.redrive = new Redrive(this, 'Redrive', {
      functions,
      stream: this.stream.stream,
      key: this.key,
      bucket: this.bucket.bucket,
      failedPrefix: names.prefixes.failed,
      esmFailureQueue: this.queues.esmFailureQueue,
      failureQueue: this.queues.failureQueue,
      timeout: REDRIVE_TIMEOUT,
    });
    this.catalog = new RecordsCatalog(this, 'Catalog', {
      databaseName: `${config.project}_${region}`.replaceAll('-', '_'),
      bucket: this.bucket.bucket,
      recordsPrefix: names.prefixes.records,
      tenantIds: config.tenants.filter((t) => t.homeRegion === region).map((t) => t.id),
      retentionDays: regionConfig.bucket.expireDays,
    });
    this.monitoring = new Monitoring(this, 'Monitoring', {
      region,
      dashboardName: names.stackName,
      functions: {
        ingest: this.ingest.function.fn,
        process: this.processor.function.fn,
        redrive: this.redrive.function.fn,
        rollup: this.rollup.function.fn,
      },
      api: this.ingest.api,
      stream: this.stream.stream,
      queues: {
        failures: this.queues.failureQueue,
        esmFailures: this.queues.esmFailureQueue,
        dlqs: [this.queues.failureDlq, this.queues.esmFailureDlq],
      },
      // Half the maximum record age, capped at 5 min: time to react before records start expiring to the failure path.
      iteratorAgeThresholdMs: Math.min(300, regionConfig.processor.maxRecordAgeSeconds / 2) * 1000,
      key: this.key,
      ...(regionConfig.alarmEmail ? { alarmEmail: regionConfig.alarmEmail } : {}),
    });

    new CfnOutput(this, 'IngestUrl', { value: this.ingest.url, description: 'Point shippers here' });
    new CfnOutput(this, 'BucketName', { value: names.bucketName });
    new CfnOutput(this, 'StreamName', { value: names.streamName });
    new CfnOutput(this, 'GlueDatabase', { value: this.catalog.database.ref });
    new CfnOutput(this, 'RedriveFunction', { value: this.redrive.function.fn.functionName });
  }
}
