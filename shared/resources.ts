import { bucketName, LOCAL_ACCOUNT } from './bucket-name.ts';
import type { SluiceConfig } from './config/load.ts';

/**
 * Names and key schemas of every AWS resource, derived from the config. The CDK constructs and the local stack
 * both read them from here, so the local pipeline creates exactly what `cdk deploy` creates.
 */
export interface RegionResources {
  /** Residency region name (config key). */
  region: string;
  awsRegion: string;
  stackName: string;
  streamName: string;
  bucketName: string;
  /** Regional aggregate working state (bucket items, high-water marks, examples): never replicated. */
  regionalTableName: string;
  /** SQS queue that receives one message per record parked in the failure store (alerting). */
  failureQueueName: string;
  failureQueueDlqName: string;
  /** On-failure destination of the event source mapping: AWS sends batch metadata (shard, sequence range) here. */
  esmFailureQueueName: string;
  /** S3 prefixes inside the regional bucket. */
  prefixes: typeof PREFIXES;
  shards: number;
}

export interface GlobalResources {
  stackName: string;
  tableName: string;
  /** AWS region that hosts the global stack (the first residency region's). */
  homeAwsRegion: string;
}

/**
 * Timeout of the processor function, deployed (infra) and local (the event source mapping runner) alike: the app
 * stops early and reports a checkpoint when little time is left, so a long timeout only bounds how long a stuck
 * invocation can hold its shard.
 */
export const PROCESSOR_TIMEOUT_SECONDS = 120;

/** S3 prefixes of the regional bucket: masked records, and the failure store (parked records, unmasked). */
export const PREFIXES = { records: 'records/', failed: 'failed/' } as const;

/** The aggregate table: `pk` always starts with `<region>#`, which IAM LeadingKeys conditions rely on. */
export const AGGREGATE_TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk', ttlAttribute: 'expiresAt' } as const;

/**
 * `account` is the deploy-time account (in infra `Stack.of(this).account`, a token when the config names none);
 * it is used only when the config has no `account`. Without either (the local stack) the bucket name says `local`.
 */
export function regionResources(config: SluiceConfig, region: string, account?: string): RegionResources {
  const r = config.regions[region];
  if (!r) throw new RangeError(`unknown region "${region}"`);
  const base = `${config.project}-${region}`;
  return {
    region,
    awsRegion: r.awsRegion,
    stackName: `${base}-pipeline`,
    streamName: `${base}-records`,
    bucketName: bucketName(config.project, region, config.account ?? account ?? LOCAL_ACCOUNT, r.awsRegion),
    regionalTableName: `${base}-aggregate-state`,
    failureQueueName: `${base}-failures`,
    failureQueueDlqName: `${base}-failures-dlq`,
    esmFailureQueueName: `${base}-esm-failures`,
    prefixes: PREFIXES,
    shards: r.stream.shards,
  };
}

export function globalResources(config: SluiceConfig): GlobalResources {
  const first = Object.values(config.regions)[0];
  if (!first) throw new RangeError('config has no region');
  return {
    stackName: `${config.project}-global`,
    tableName: `${config.project}-aggregates`,
    homeAwsRegion: first.awsRegion,
  };
}
