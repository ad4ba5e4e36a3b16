import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createClients } from '../shared/adapters/clients.ts';
import { createSecretResolver } from '../shared/adapters/secrets.ts';
import { loadConfig } from '../shared/config/load.ts';
import { readLocalState } from '../shared/local/state.ts';
import { regionResources } from '../shared/resources.ts';
import { overlayDevSecrets } from './dev-config.ts';
import { type AroundInvoke, createLocalProcessor, type EsmOverrides } from './processor.ts';

/**
 * The processor and its event source mapping as a separate process, against a stack started elsewhere (with
 * `processor: false`): the crash tests SIGKILL it mid-batch and start another, which resumes from the persisted
 * checkpoints like a new Lambda poller would.
 * Usage: tsx local/processor-worker.ts <stateDir> [esm overrides as JSON] [--kill-mid-batch=N]
 *
 * `--kill-mid-batch=N` (crash tests): from the N-th invocation on, the first batch of a shard whose checkpoint is
 * already persisted makes the worker print `killed {shardId, checkpoint, firstSequenceNumber}` and SIGKILL itself
 * while the batch runs, so the kill lands mid-batch by construction whatever the machine's load.
 */
async function main(): Promise<void> {
  const [stateDir = '.sluice', overrides, killArg] = process.argv.slice(2);
  const checkpointsPath = join(stateDir, 'checkpoints.json');
  const state = readLocalState(join(stateDir, 'local.json'));
  const { config, env } = overlayDevSecrets(loadConfig(state.configPath), state.region, {
    keys: state.keys ?? {},
    hmacKey: state.hmacKey ?? '',
  });
  const clients = createClients({ awsRegion: state.awsRegion, endpoints: state.endpoints });
  const processor = await createLocalProcessor({
    config,
    region: state.region,
    resources: {
      region: state.region,
      awsRegion: state.awsRegion,
      streamName: state.stream,
      shards: config.regions[state.region]!.stream.shards,
      bucketName: state.bucket,
      tableName: state.table,
      regionalTableName: state.regionalTable ?? regionResources(config, state.region).regionalTableName,
      failureQueueUrl: state.failureQueueUrl,
      failureQueueDlqUrl: '',
      esmFailureQueueUrl: state.esmFailureQueueUrl,
    },
    clients,
    sqsForFailures: clients.sqs,
    secrets: createSecretResolver({ env: { ...process.env, ...env } }),
    checkpointsPath,
    ...(overrides && { esm: JSON.parse(overrides) as EsmOverrides }),
    ...(killArg?.startsWith('--kill-mid-batch=') && {
      aroundInvoke: killMidBatch(Number(killArg.split('=')[1]), checkpointsPath, stateStream(stateDir)),
    }),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  const runner = processor.createRunner();
  await runner.start();
  process.stdout.write('ready\n');
  const report = setInterval(() => process.stdout.write(`${JSON.stringify(runner.stats())}\n`), 100);
  process.once('SIGTERM', () => {
    clearInterval(report);
    runner.stop().then(() => process.exit(0));
  });
}

function stateStream(stateDir: string): string {
  return readLocalState(join(stateDir, 'local.json')).stream;
}

/** The crash hook: lets the batch start its writes, then dies before the runner can record it as done. */
function killMidBatch(fromInvocation: number, checkpointsPath: string, stream: string): AroundInvoke {
  let invocations = 0;
  return async (event, context, invoke) => {
    invocations++;
    const first = event.Records[0];
    const shardId = first?.eventID.split(':')[0] ?? '';
    const persisted = readPersisted(checkpointsPath)[stream]?.[shardId];
    if (invocations < fromInvocation || !first || persisted === undefined) return invoke(event, context);
    const running = invoke(event, context);
    running.catch(() => undefined);
    // Some of the batch's writes are under way (or done): the kill leaves them to be redone from the checkpoint.
    await Promise.race([running, new Promise((r) => setTimeout(r, 20))]);
    const killed = { shardId, checkpoint: persisted, firstSequenceNumber: first.kinesis.sequenceNumber };
    process.stdout.write(`killed ${JSON.stringify(killed)}\n`);
    process.kill(process.pid, 'SIGKILL');
    return new Promise<never>(() => {});
  };
}

function readPersisted(path: string): Record<string, Record<string, string>> {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, Record<string, string>>;
  } catch {
    return {};
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`processor worker: ${(err as Error).message}\n`);
  process.exit(1);
});
