import type { KinesisStreamBatchResponse } from 'aws-lambda';
import { createProcessApp, type ProcessApp } from '../functions/process/app.ts';
import { awsStores } from '../functions/process/wiring.ts';
import type { Clients } from '../shared/adapters/clients.ts';
import type { SecretResolver } from '../shared/adapters/secrets.ts';
import { resolveHmacKeys } from '../shared/adapters/secrets.ts';
import type { SluiceConfig } from '../shared/config/load.ts';
import { PROCESSOR_TIMEOUT_SECONDS } from '../shared/resources.ts';
import type { ProcessMetrics } from '../shared/runtime/telemetry.ts';
import { type CheckpointStore, fileCheckpointStore, memoryCheckpointStore } from './esm/checkpoints.ts';
import { createEsmRunner, type EsmRunner, type EsmRunnerOptions } from './esm/runner.ts';
import type { EsmLogEvent } from './esm/shard-consumer.ts';
import { type EsmHandler, type EsmSettings, esmSettingsFromConfig } from './esm/types.ts';
import type { ProvisionedRegion } from './provision.ts';

export type EsmOverrides = Partial<EsmSettings> &
  Pick<EsmRunnerOptions, 'pollIntervalMs' | 'retryDelayMs' | 'timeoutMs'>;

export interface LocalProcessorOptions {
  config: SluiceConfig;
  region: string;
  resources: ProvisionedRegion;
  /** The processor's clients (possibly through fault proxies): S3, DynamoDB, SQS alerts, and the stream reads. */
  clients: Clients;
  /** Where the on-failure destination messages go (straight to the emulator). */
  sqsForFailures: Clients['sqs'];
  secrets: SecretResolver;
  /** Where checkpoints persist; absent = in memory (`--memory`: the stream they point into is in memory too). */
  checkpointsPath?: string;
  metrics?: ProcessMetrics;
  esm?: EsmOverrides;
  /**
   * Wraps every invocation (tests only): the crash test's worker SIGKILLs itself from inside a batch, so "a batch
   * was in flight with its checkpoint persisted" holds by construction rather than by the timing of a kill.
   */
  aroundInvoke?: AroundInvoke;
  log: (line: string) => void;
}

type Invoke = (
  event: Parameters<EsmHandler>[0],
  context: Parameters<EsmHandler>[1],
) => Promise<KinesisStreamBatchResponse | undefined | null>;
export type AroundInvoke = (...args: [...Parameters<Invoke>, invoke: Invoke]) => ReturnType<Invoke>;

export interface LocalProcessor {
  app: ProcessApp;
  /** A new event source mapping over the region's stream, resuming from the persisted checkpoints. */
  createRunner(): EsmRunner;
}

/** The real processor app with emulator-backed stores, and the local event source mapping that feeds it. */
export async function createLocalProcessor(o: LocalProcessorOptions): Promise<LocalProcessor> {
  const { config, region, resources, log } = o;
  const stores = awsStores(
    o.clients,
    {
      bucket: resources.bucketName,
      regionalTable: resources.regionalTableName,
      failureQueueUrl: resources.failureQueueUrl,
    },
    region,
  );
  const app = createProcessApp({
    config,
    region,
    ...stores,
    hmacKeys: await resolveHmacKeys(config, region, o.secrets),
    ...(o.metrics && { metrics: o.metrics }),
    logger: {
      info() {},
      warn: (m, a) => log(`process: ${m} ${JSON.stringify(a ?? {})}`),
      error: (m, a) => log(`process: ${m} ${JSON.stringify(a ?? {})}`),
    },
  });
  const { pollIntervalMs, retryDelayMs, timeoutMs, ...settings } = o.esm ?? {};
  // One store for every runner of this processor, so a restarted runner resumes where the last one stopped.
  const memory = o.checkpointsPath === undefined ? memoryCheckpointStore() : undefined;
  const checkpoints = (): CheckpointStore => memory ?? fileCheckpointStore(o.checkpointsPath!);
  return {
    app,
    createRunner: () =>
      createEsmRunner({
        kinesis: o.clients.kinesis,
        streamName: resources.streamName,
        awsRegion: resources.awsRegion,
        handler: o.aroundInvoke
          ? (event, context) => o.aroundInvoke!(event, context, (e, c) => app(e, c))
          : (event, context) => app(event, context),
        settings: { ...esmSettingsFromConfig(config.regions[region]!.processor), ...settings },
        checkpoints: checkpoints(),
        onFailure: { sqs: o.sqsForFailures, queueUrl: resources.esmFailureQueueUrl },
        functionName: `${config.project}-${region}-process`,
        ...(pollIntervalMs !== undefined && { pollIntervalMs }),
        ...(retryDelayMs !== undefined && { retryDelayMs }),
        // The deployed function's timeout unless a test shortens it.
        timeoutMs: timeoutMs ?? PROCESSOR_TIMEOUT_SECONDS * 1000,
        log: (e) => {
          const line = esmLogLine(e, resources.streamName);
          if (line) log(line);
        },
      }),
  };
}

/**
 * The stack's line for a runner event. Read failures are routine under fault injection (each is retried); a shard
 * that keeps failing is reported after 10, 100, 1000… failures in a row rather than looping silently.
 */
export function esmLogLine(e: EsmLogEvent, streamName: string): string | undefined {
  switch (e.kind) {
    case 'read-failed':
      return /^10+$/.test(String(e.consecutive))
        ? `esm: reads of ${streamName} ${e.shardId} failed ${e.consecutive} times in a row (last: ${e.reason}); still retrying`
        : undefined;
    case 'checkpoint-invalid':
      return (
        `esm: the stored checkpoint of ${streamName} ${e.shardId} (${e.checkpoint}) does not belong to this stream ` +
        `(${e.reason}); the stream was recreated or its data wiped: reading the shard from TRIM_HORIZON`
      );
    default:
      return `esm: ${JSON.stringify(e)}`;
  }
}
