import type { SluiceConfig } from '../config/load.ts';
import { PRICE_SOURCES, PRICES_AS_OF, pricesFor } from './prices.ts';
import type { ResolvedRatios } from './ratios.ts';

/**
 * Monthly AWS cost of a deployment from its config, a daily volume, list prices (prices.ts) and measured ratios
 * (ratios.ts). Pure arithmetic: every figure `sluice cost` and docs/cost.md show comes from here, and every input
 * it did not read from the config or a bench is in `assumptions`.
 */

export interface CostInput {
  config: SluiceConfig;
  /** Raw log text per day, decimal GB (1 TB = 1,000 GB). */
  gbPerDay: number;
  /** Average raw record size in bytes. */
  recordBytes?: number;
  /** The residency region that receives the volume (default: the first provisioned one, else the first). */
  region?: string;
  ratios: ResolvedRatios;
}

export const LINE_ITEMS = {
  apiGateway: 'API Gateway HTTP API',
  lambdaIngest: 'Lambda: ingest',
  kinesis: 'Kinesis Data Streams',
  lambdaProcess: 'Lambda: processor',
  lambdaRollup: 'Lambda: roll-up',
  s3Storage: 'S3 storage (steady state)',
  s3Requests: 'S3 PUT / GET / transitions',
  dynamodbRegional: 'DynamoDB regional table',
  dynamodbGlobal: 'DynamoDB global table (all replicas)',
  sqs: 'SQS (failure and alert queues)',
  cloudwatch: 'CloudWatch (logs, metrics, alarms, dashboards)',
  kms: 'KMS',
  idleRegions: 'Other regions (idle pipeline)',
} as const;
export type LineItem = keyof typeof LINE_ITEMS;

export interface CostReport {
  total: number;
  lines: Record<LineItem, number>;
  assumptions: Record<string, unknown>;
}

const DAYS = 30;
const HOURS = 730;
const GB = 1e9;
const MIB = 1024 * 1024;
/** Shippers send ~1 MB of raw lines per request (Fluent Bit, Vector and OTel batch defaults are of that order). */
const REQUEST_RAW_BYTES = 1e6;
/** Shards and processors are sized for a peak of this many times the average rate. */
const PEAK = 1.5;
/** https://docs.aws.amazon.com/streams/latest/dev/service-sizes-and-limits.html: per shard, 1 MB/s and 1,000 records/s written. */
const SHARD_BYTES_PER_SECOND = 1e6;
const SHARD_RECORDS_PER_SECOND = 1000;
/** A PUT payload unit is 25 KB; on-demand meters records rounded up to 1 KB. */
const PUT_UNIT_BYTES = 25 * 1024;
/** Lambda's batch payload cap for a Kinesis event source: https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html */
const ESM_PAYLOAD_BYTES = 6 * MIB;
/** On-demand streams start with 4 MB/s of write capacity (4 shards' worth), each polled by the event source. */
const ON_DEMAND_MIN_SHARDS = 4;
/** Lambda gives one full vCPU at 1,769 MB, proportionally less below (https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html). */
const MB_PER_VCPU = 1769;
/** Wall time over CPU time: S3 and DynamoDB round trips not overlapped with parsing (Lambda bills wall time). */
const PROCESS_IO_FACTOR = 1.25;
/** PutRecords round trip per ingest request, ms (billed: the function waits for it). */
const INGEST_IO_MS = 30;
const INGEST_MEMORY_MB = 1024;
/** Function and access log bytes per ingest request and per processor batch. */
const LOG_BYTES_PER_REQUEST = 1300;
const LOG_BYTES_PER_BATCH = 2000;
/** EMF metrics the functions publish (records in/out, drops by reason, masks by detector), alarms and dashboards per region. */
const CUSTOM_METRICS = 30;
const ALARMS_PER_REGION = 12;
/** Aggregate items are ~0.5 KB (count, stats and pattern buckets). */
const AGGREGATE_ITEM_BYTES = 500;
/** Roll-up: one invocation per window, ~1 s at 1 GB (assumed until [residency] measures it). */
const ROLLUP_GB_SECONDS_PER_WINDOW = 1;
/** Share of batches that fail once and send one ESM failure record + a redrive read/delete. */
const FAILED_BATCH_SHARE = 0.001;
/** Centralized Logging with OpenSearch's published Kinesis + Lambda figure at 1 TB/day. */
const CENTRALIZED_LOGGING_1TB = 854;

const round2 = (x: number) => Math.round(x * 100) / 100;
const vcpuShare = (memoryMb: number) => Math.min(memoryMb / MB_PER_VCPU, 1);

/** The region that takes the volume: `region` if given, else the first provisioned one, else the first. */
export function volumeRegion(config: SluiceConfig, region?: string): string {
  const names = Object.keys(config.regions);
  if (region !== undefined) {
    if (!(region in config.regions)) {
      throw new RangeError(`region "${region}" is not under regions (${names.join(', ')})`);
    }
    return region;
  }
  return names.find((n) => config.regions[n]!.stream.mode === 'provisioned') ?? names[0]!;
}

export function costModel(input: CostInput): CostReport {
  const { config, gbPerDay } = input;
  if (!(gbPerDay >= 0) || !Number.isFinite(gbPerDay)) throw new RangeError('gbPerDay must be a number ≥ 0');
  const recordBytes = input.recordBytes ?? 500;
  if (!(recordBytes > 0)) throw new RangeError('recordBytes must be > 0');
  const { ratios: r, source } = input.ratios;
  const name = volumeRegion(config, input.region);
  const region = config.regions[name]!;
  const { prices: p, fallback } = pricesFor(region.awsRegion);
  const regionNames = Object.keys(config.regions);
  const replicas = regionNames.length;

  // Volume.
  const rawPerDay = gbPerDay * GB;
  const rawPerSecond = rawPerDay / 86_400;
  const records = (rawPerDay / recordBytes) * DAYS;
  const requests = (rawPerDay / REQUEST_RAW_BYTES) * DAYS;
  const envelopesPerSecond = rawPerSecond / r.envelopeRawBytes;
  const envelopeStreamBytes = r.envelopeRawBytes * r.streamBytesPerRawByte;
  const streamPerSecond = rawPerSecond * r.streamBytesPerRawByte;
  const envelopes = envelopesPerSecond * 86_400 * DAYS;

  // Processor throughput per shard (one invocation at a time per shard: parallelizationFactor 1).
  const processMemoryMb = region.processor.memoryMb;
  const processBytesPerSecond = (r.processMiBps * MIB * vcpuShare(processMemoryMb)) / PROCESS_IO_FACTOR;
  const shardsNeeded = Math.max(
    1,
    Math.ceil((PEAK * streamPerSecond) / SHARD_BYTES_PER_SECOND),
    Math.ceil((PEAK * envelopesPerSecond) / SHARD_RECORDS_PER_SECOND),
    Math.ceil((PEAK * rawPerSecond) / processBytesPerSecond),
  );
  const provisioned = region.stream.mode === 'provisioned';
  const shards = provisioned
    ? Math.max(region.stream.shards, shardsNeeded)
    : Math.max(ON_DEMAND_MIN_SHARDS, shardsNeeded);

  // Batches: a shard's batch goes when the window elapses, batchSize records are waiting or 6 MB are (whichever first).
  const window = Math.max(region.processor.batchingWindowSeconds, 1);
  const batchesPerShardPerSecond = Math.max(
    1 / window,
    envelopesPerSecond / shards / region.processor.batchSize,
    streamPerSecond / shards / ESM_PAYLOAD_BYTES,
  );
  const batches = gbPerDay > 0 ? batchesPerShardPerSecond * shards * 86_400 * DAYS : 0;

  // API Gateway: one request per shipper batch (≤ 512 KB on the wire after gzip, so one metered request each).
  const apiGateway = (requests / 1e6) * p.apiGatewayPerMillion;

  // Ingest: CPU time at the bench's rate scaled to the function's vCPU share, plus the PutRecords wait.
  const ingestSeconds =
    REQUEST_RAW_BYTES / (r.ingestMiBps * MIB * vcpuShare(INGEST_MEMORY_MB)) + INGEST_IO_MS / 1000;
  const ingestGbSeconds = requests * ingestSeconds * (INGEST_MEMORY_MB / 1024);
  const lambdaIngest =
    ingestGbSeconds * p.lambdaArmPerGbSecond + (requests / 1e6) * p.lambdaPerMillionRequests;

  // Kinesis.
  const putUnits = envelopes * Math.ceil(envelopeStreamBytes / PUT_UNIT_BYTES);
  const onDemandGb = (envelopes * Math.ceil(envelopeStreamBytes / 1024) * 1024) / 2 ** 30;
  const kinesis = provisioned
    ? shards * HOURS * p.kinesisShardHour + (putUnits / 1e6) * p.kinesisPerMillionPutUnits
    : HOURS * p.kinesisOnDemandStreamHour +
      onDemandGb * (p.kinesisOnDemandPerGbIn + p.kinesisOnDemandPerGbOut);

  // Processor.
  const processGbSecondsPerGb = (GB / processBytesPerSecond) * (processMemoryMb / 1024);
  const processGbSeconds = gbPerDay * DAYS * processGbSecondsPerGb;
  const lambdaProcess =
    processGbSeconds * p.lambdaArmPerGbSecond + (batches / 1e6) * p.lambdaPerMillionRequests;

  // S3: one object per batch (a batch holds one tenant-hour per shard), steady state over the retention.
  const s3PerDayGb = gbPerDay * r.s3BytesPerRawByte;
  const { expireDays, infrequentAccessAfterDays: iaDays } = region.bucket;
  const standardDays = iaDays === undefined ? expireDays : Math.min(iaDays, expireDays);
  const iaGb = s3PerDayGb * (expireDays - standardDays);
  const s3Storage = s3PerDayGb * standardDays * p.s3StandardGbMonth + iaGb * p.s3IaGbMonth;
  const objects = batches;
  const transitions = iaDays === undefined ? 0 : objects;
  const s3Requests =
    (objects / 1000) * p.s3PutPerThousand + (transitions / 1000) * p.s3TransitionIaPerThousand;

  // DynamoDB.
  const aggregateWindow = config.defaults.pipeline.aggregate.windowSeconds;
  const windows = (86_400 / aggregateWindow) * DAYS;
  const batchWrites = batches * r.aggregateWritesPerBatch * r.writeUnitsPerWrite;
  const rollup = r.globalWritesPerWindow !== undefined;
  const globalWrites = rollup ? windows * (r.globalWritesPerWindow ?? 0) * r.writeUnitsPerWrite : batchWrites;
  const regionalWrites = rollup ? batchWrites : 0;
  const dynamodbRegional = (regionalWrites / 1e6) * p.dynamodbPerMillionWrites;
  // Keys per window ≈ writes per batch (each batch touches the window's items); kept ttlDays, in every replica.
  const keysPerWindow = rollup ? (r.globalWritesPerWindow ?? 0) : r.aggregateWritesPerBatch;
  const storedGb =
    (keysPerWindow * (86_400 / aggregateWindow) * config.aggregates.ttlDays * AGGREGATE_ITEM_BYTES) / GB;
  const replicationGb = (globalWrites * AGGREGATE_ITEM_BYTES * (replicas - 1)) / GB;
  const dynamodbGlobal =
    (globalWrites / 1e6) * p.dynamodbPerMillionWrites * replicas +
    (gbPerDay > 0 ? storedGb * replicas * (p.dynamodbGbMonth + p.dynamodbPitrGbMonth) : 0) +
    replicationGb * p.interRegionPerGb;
  const rollupGbSeconds = rollup && gbPerDay > 0 ? windows * ROLLUP_GB_SECONDS_PER_WINDOW : 0;
  const lambdaRollup =
    rollupGbSeconds * p.lambdaArmPerGbSecond +
    (rollup && gbPerDay > 0 ? (windows / 1e6) * p.lambdaPerMillionRequests : 0);

  // SQS: a failed batch sends one ESM record; redrive receives and deletes it.
  const sqsRequests = batches * FAILED_BATCH_SHARE * 3;
  const sqs = (sqsRequests / 1e6) * p.sqsPerMillion;

  // CloudWatch in the volume region (metrics are only billed where they are published).
  const logGb = (requests * LOG_BYTES_PER_REQUEST + batches * LOG_BYTES_PER_BATCH) / GB;
  const cloudwatch =
    logGb * p.cloudwatchLogsPerGb +
    CUSTOM_METRICS * p.cloudwatchMetricMonth +
    ALARMS_PER_REGION * p.cloudwatchAlarmMonth +
    p.cloudwatchDashboardMonth;

  // KMS: one customer-managed key per region; Kinesis and S3 (bucket keys) reuse data keys for ~5 minutes.
  const kmsRequests = shards * 2 * 12 * HOURS;
  const kms = replicas * p.kmsKeyMonth + (kmsRequests / 1e4) * p.kmsPer10kRequests;

  // Every other region runs an idle pipeline: its stream, alarms and dashboard.
  let idleRegions = 0;
  const idle: Record<string, string> = {};
  for (const other of regionNames.filter((n) => n !== name)) {
    const o = config.regions[other]!;
    const op = pricesFor(o.awsRegion).prices;
    const stream =
      o.stream.mode === 'provisioned'
        ? o.stream.shards * HOURS * op.kinesisShardHour
        : HOURS * op.kinesisOnDemandStreamHour;
    idleRegions += stream + ALARMS_PER_REGION * op.cloudwatchAlarmMonth + op.cloudwatchDashboardMonth;
    idle[other] =
      `${o.awsRegion}: ${o.stream.mode === 'provisioned' ? `${o.stream.shards} shards` : 'on-demand stream'}, ` +
      `${ALARMS_PER_REGION} alarms, 1 dashboard`;
  }

  const lines: Record<LineItem, number> = {
    apiGateway,
    lambdaIngest,
    kinesis,
    lambdaProcess,
    lambdaRollup,
    s3Storage,
    s3Requests,
    dynamodbRegional,
    dynamodbGlobal,
    sqs,
    cloudwatch,
    kms,
    idleRegions,
  };
  for (const k of Object.keys(lines) as LineItem[]) lines[k] = round2(lines[k]);
  const total = round2(Object.values(lines).reduce((a, b) => a + b, 0));
  const fixed = (x: number, d = 3) => Number(x.toPrecision(d));

  return {
    total,
    lines,
    assumptions: {
      volume: { gbPerDay, recordBytes, recordsPerMonth: fixed(records), requestRawBytes: REQUEST_RAW_BYTES },
      month: { days: DAYS, hours: HOURS },
      region: {
        name,
        awsRegion: region.awsRegion,
        ...(fallback && { pricedAs: 'us-east-1 (not in prices.ts)' }),
      },
      prices: { asOf: PRICES_AS_OF, sources: PRICE_SOURCES },
      ratios: Object.fromEntries(
        Object.entries(r).map(([k, v]) => [
          k,
          { value: v, source: source[k as keyof typeof r] ?? 'default' },
        ]),
      ),
      kinesis: {
        mode: region.stream.mode,
        shardsConfigured: provisioned ? region.stream.shards : undefined,
        shardsNeeded,
        shardsPriced: provisioned ? shards : undefined,
        sizedFor: `peak ${PEAK}× average: ≤ 1 MB/s and 1,000 records/s written per shard, and one processor per shard keeping up`,
        streamBytesPerDay: fixed(streamPerSecond * 86_400),
        envelopesPerMonth: fixed(envelopes),
        envelopeStreamBytes: Math.round(envelopeStreamBytes),
        putUnitsPerMonth: fixed(putUnits),
      },
      lambda: {
        architecture: 'arm64',
        ingest: {
          memoryMb: INGEST_MEMORY_MB,
          secondsPerRequest: fixed(ingestSeconds),
          gbSeconds: fixed(ingestGbSeconds),
          invocations: fixed(requests),
        },
        processor: {
          memoryMb: processMemoryMb,
          vcpuShare: fixed(vcpuShare(processMemoryMb)),
          ioFactor: PROCESS_IO_FACTOR,
          gbSecondsPerGb: fixed(processGbSecondsPerGb),
          gbSeconds: fixed(processGbSeconds),
          invocations: fixed(batches),
          rawMBpsPerShard: fixed(processBytesPerSecond / 1e6),
        },
        rollup: rollup
          ? { invocations: fixed(windows), gbSecondsPerWindow: ROLLUP_GB_SECONDS_PER_WINDOW }
          : 'none (every batch writes the global table)',
      },
      processor: {
        batchSize: region.processor.batchSize,
        batchingWindowSeconds: region.processor.batchingWindowSeconds,
        batchesPerMonth: fixed(batches),
      },
      s3: {
        objectsPerMonth: fixed(objects),
        gbPerDay: fixed(s3PerDayGb),
        expireDays,
        infrequentAccessAfterDays: iaDays,
      },
      dynamodb: {
        path: rollup
          ? 'regional table per batch, global table per window (roll-up)'
          : 'global table per batch',
        replicas,
        aggregateWindowSeconds: aggregateWindow,
        globalWriteUnitsPerHour: fixed(globalWrites / (DAYS * 24)),
        regionalWriteUnitsPerHour: fixed(regionalWrites / (DAYS * 24)),
        globalWriteUnitsPerMonth: fixed(globalWrites),
        storedGbPerReplica: fixed(storedGb),
        ttlDays: config.aggregates.ttlDays,
        replicationGbPerMonth: fixed(replicationGb),
      },
      cloudwatch: {
        logGbPerMonth: fixed(logGb),
        customMetrics: CUSTOM_METRICS,
        alarmsPerRegion: ALARMS_PER_REGION,
        dashboardsPerRegion: 1,
      },
      idleRegions: idle,
      notIncluded: [
        'free tiers',
        'Athena queries ($5 per TB scanned)',
        'Kinesis extended retention beyond 24 h',
        'data transfer from shippers (inbound is free)',
        'support plans',
      ],
      comparison: {
        perGb: gbPerDay > 0 ? fixed(total / (gbPerDay * DAYS)) : 0,
        firehoseIngestOnly: round2(gbPerDay * DAYS * p.firehosePerGb),
        centralizedLoggingKinesisLambdaAt1TbPerDay: CENTRALIZED_LOGGING_1TB,
      },
    },
  };
}
