import { DescribeStreamCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { CheckpointStore } from './checkpoints.ts';
import { type FailureDestination, sqsFailureDestination } from './failure-destination.ts';
import { type EsmLogEvent, ShardConsumer, type ShardStats } from './shard-consumer.ts';
import { type EsmHandler, type EsmSettings, MAX_PAYLOAD_BYTES } from './types.ts';

export interface EsmRunnerOptions {
  kinesis: KinesisClient;
  streamName: string;
  /** AWS region reported in each event record (`awsRegion`). */
  awsRegion: string;
  handler: EsmHandler;
  settings: EsmSettings;
  checkpoints: CheckpointStore;
  /** On-failure destination: the SQS queue that receives the metadata of discarded batches. */
  onFailure?: { sqs: SQSClient; queueUrl: string } | FailureDestination;
  functionName?: string;
  /** Function timeout; a slower invocation counts as failed. Default 60 s. */
  timeoutMs?: number;
  /** Idle poll interval per shard. Lambda polls about once a second; default 250 ms for a snappier local loop. */
  pollIntervalMs?: number;
  /** First retry delay, doubled per failure up to 5 s. Default 100 ms. */
  retryDelayMs?: number;
  /** Only tests lower this; Lambda's limit is 6 MB. */
  maxPayloadBytes?: number;
  /** Clock for record age (epoch ms). */
  now?: () => number;
  log?: (event: EsmLogEvent) => void;
}

export interface EsmRunner {
  /** Lists the shards and starts one consumer per shard. Resolves once they are running. */
  start(): Promise<void>;
  /**
   * Graceful: each shard finishes its batch in flight and checkpoints it. `abandon`: as if the process died, the
   * batches in flight are never checkpointed (they are delivered again by the next runner).
   */
  stop(options?: { abandon?: boolean }): Promise<void>;
  stats(): ShardStats[];
  /** Resolves when every shard has read to the tip and has nothing buffered or in flight. */
  drained(timeoutMs?: number): Promise<void>;
}

const ACCOUNT = '000000000000';

/**
 * A local Lambda event source mapping for one Kinesis stream: one ShardConsumer per shard (parallelization
 * factor 1), one batch in flight per shard.
 */
export function createEsmRunner(options: EsmRunnerOptions): EsmRunner {
  const consumers: ShardConsumer[] = [];
  const runs: Promise<void>[] = [];
  const functionName = options.functionName ?? 'sluice-local-processor';
  const destination =
    options.onFailure && 'queueUrl' in options.onFailure
      ? sqsFailureDestination(options.onFailure.sqs, options.onFailure.queueUrl)
      : options.onFailure;
  let started = false;

  return {
    async start() {
      if (started) return;
      started = true;
      const described = await options.kinesis.send(
        new DescribeStreamCommand({ StreamName: options.streamName }),
      );
      const desc = described.StreamDescription!;
      const streamArn =
        desc.StreamARN ?? `arn:aws:kinesis:${options.awsRegion}:${ACCOUNT}:stream/${options.streamName}`;
      for (const shard of desc.Shards ?? []) {
        const consumer = new ShardConsumer({
          kinesis: options.kinesis,
          streamName: options.streamName,
          source: {
            shardId: shard.ShardId!,
            streamArn,
            awsRegion: options.awsRegion,
            functionArn: `arn:aws:lambda:${options.awsRegion}:${ACCOUNT}:function:${functionName}`,
            roleArn: `arn:aws:iam::${ACCOUNT}:role/${functionName}`,
          },
          settings: options.settings,
          handler: options.handler,
          checkpoints: options.checkpoints,
          ...(destination && { destination }),
          functionName,
          timeoutMs: options.timeoutMs ?? 60_000,
          pollIntervalMs: options.pollIntervalMs ?? 250,
          retryDelayMs: options.retryDelayMs ?? 100,
          maxPayloadBytes: options.maxPayloadBytes ?? MAX_PAYLOAD_BYTES,
          now: options.now ?? Date.now,
          log: options.log ?? (() => {}),
        });
        consumers.push(consumer);
        runs.push(consumer.run());
      }
    },
    async stop(stopOptions = {}) {
      for (const c of consumers) c.stop(stopOptions.abandon === true);
      if (!stopOptions.abandon) await Promise.all(runs);
    },
    stats: () => consumers.map((c) => c.snapshot()),
    async drained(timeoutMs = 60_000) {
      const until = Date.now() + timeoutMs;
      // Two consecutive caught-up observations: a single one can fall between a read and the invocation.
      let streak = 0;
      while (streak < 2) {
        if (Date.now() > until) throw new Error(`event source mapping not drained after ${timeoutMs} ms`);
        streak = consumers.every((c) => c.snapshot().caughtUp) ? streak + 1 : 0;
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}
