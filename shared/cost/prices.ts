/**
 * On-demand list prices (USD) the cost model uses, per AWS region, with the page each comes from. Free tiers are
 * ignored. Prices change: `PRICES_AS_OF` is the date these figures were recorded (from the pages below, not
 * re-fetched by the program); check the pages before relying on a figure. Regions not listed are priced as
 * us-east-1 and the model says so in its assumptions.
 */
export const PRICES_AS_OF = '2026-12-02';

export const PRICE_SOURCES = {
  apiGateway: 'https://aws.amazon.com/api-gateway/pricing/',
  lambda: 'https://aws.amazon.com/lambda/pricing/',
  kinesis: 'https://aws.amazon.com/kinesis/data-streams/pricing/',
  s3: 'https://aws.amazon.com/s3/pricing/',
  dynamodb: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
  sqs: 'https://aws.amazon.com/sqs/pricing/',
  cloudwatch: 'https://aws.amazon.com/cloudwatch/pricing/',
  kms: 'https://aws.amazon.com/kms/pricing/',
  transfer: 'https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer',
  firehose: 'https://aws.amazon.com/firehose/pricing/',
} as const;

export interface RegionPrices {
  /** HTTP API, per million requests (first 300 M a month), metered in 512 KB steps. */
  apiGatewayPerMillion: number;
  /** Lambda on Arm (Graviton): per GB-second and per million requests. */
  lambdaArmPerGbSecond: number;
  lambdaPerMillionRequests: number;
  /** Kinesis provisioned: per shard-hour, per million 25 KB PUT payload units. */
  kinesisShardHour: number;
  kinesisPerMillionPutUnits: number;
  /** Kinesis on-demand: per stream-hour, per GB written (records rounded up to 1 KB), per GB read. */
  kinesisOnDemandStreamHour: number;
  kinesisOnDemandPerGbIn: number;
  kinesisOnDemandPerGbOut: number;
  /** S3 Standard and Standard-IA storage per GB-month; per 1,000 PUT / GET / lifecycle transitions to IA. */
  s3StandardGbMonth: number;
  s3IaGbMonth: number;
  s3PutPerThousand: number;
  s3GetPerThousand: number;
  s3TransitionIaPerThousand: number;
  /** DynamoDB on-demand: per million write request units (replicated writes are billed at the same rate). */
  dynamodbPerMillionWrites: number;
  dynamodbPerMillionReads: number;
  dynamodbGbMonth: number;
  dynamodbPitrGbMonth: number;
  /** SQS standard queues, per million requests (64 KB chunks). */
  sqsPerMillion: number;
  /** CloudWatch: Logs ingestion per GB, per custom metric-month, per standard alarm-month, per dashboard-month. */
  cloudwatchLogsPerGb: number;
  cloudwatchMetricMonth: number;
  cloudwatchAlarmMonth: number;
  cloudwatchDashboardMonth: number;
  /** KMS: per customer-managed key-month, per 10,000 requests. */
  kmsKeyMonth: number;
  kmsPer10kRequests: number;
  /** Data transfer out to another AWS region, per GB (global-table replication). */
  interRegionPerGb: number;
  /** Amazon Data Firehose direct PUT, per GB ingested (first 500 TB, 5 KB increments): the comparison line. */
  firehosePerGb: number;
}

const usEast1: RegionPrices = {
  apiGatewayPerMillion: 1.0,
  lambdaArmPerGbSecond: 0.0000133334,
  lambdaPerMillionRequests: 0.2,
  kinesisShardHour: 0.015,
  kinesisPerMillionPutUnits: 0.014,
  kinesisOnDemandStreamHour: 0.04,
  kinesisOnDemandPerGbIn: 0.08,
  kinesisOnDemandPerGbOut: 0.04,
  s3StandardGbMonth: 0.023,
  s3IaGbMonth: 0.0125,
  s3PutPerThousand: 0.005,
  s3GetPerThousand: 0.0004,
  s3TransitionIaPerThousand: 0.01,
  dynamodbPerMillionWrites: 0.625,
  dynamodbPerMillionReads: 0.125,
  dynamodbGbMonth: 0.25,
  dynamodbPitrGbMonth: 0.2,
  sqsPerMillion: 0.4,
  cloudwatchLogsPerGb: 0.5,
  cloudwatchMetricMonth: 0.3,
  cloudwatchAlarmMonth: 0.1,
  cloudwatchDashboardMonth: 3.0,
  kmsKeyMonth: 1.0,
  kmsPer10kRequests: 0.03,
  interRegionPerGb: 0.02,
  firehosePerGb: 0.029,
};

const euWest1: RegionPrices = {
  apiGatewayPerMillion: 1.11,
  lambdaArmPerGbSecond: 0.0000133334,
  lambdaPerMillionRequests: 0.2,
  kinesisShardHour: 0.017,
  kinesisPerMillionPutUnits: 0.0161,
  kinesisOnDemandStreamHour: 0.046,
  kinesisOnDemandPerGbIn: 0.092,
  kinesisOnDemandPerGbOut: 0.046,
  s3StandardGbMonth: 0.023,
  s3IaGbMonth: 0.0125,
  s3PutPerThousand: 0.005,
  s3GetPerThousand: 0.0004,
  s3TransitionIaPerThousand: 0.01,
  dynamodbPerMillionWrites: 0.7063,
  dynamodbPerMillionReads: 0.1413,
  dynamodbGbMonth: 0.283,
  dynamodbPitrGbMonth: 0.2263,
  sqsPerMillion: 0.4,
  cloudwatchLogsPerGb: 0.57,
  cloudwatchMetricMonth: 0.3,
  cloudwatchAlarmMonth: 0.1,
  cloudwatchDashboardMonth: 3.0,
  kmsKeyMonth: 1.0,
  kmsPer10kRequests: 0.03,
  interRegionPerGb: 0.02,
  firehosePerGb: 0.031,
};

export const PRICES: Readonly<Record<string, RegionPrices>> = {
  'us-east-1': usEast1,
  'eu-west-1': euWest1,
};

/** The region's prices, or us-east-1's (`fallback: true`) for a region this file does not list. */
export function pricesFor(awsRegion: string): { prices: RegionPrices; fallback: boolean } {
  const listed = PRICES[awsRegion];
  return listed ? { prices: listed, fallback: false } : { prices: usEast1, fallback: true };
}
