import { join } from 'node:path';
import { createClients } from '../shared/adapters/clients.ts';
import { createSecretResolver } from '../shared/adapters/secrets.ts';
import { loadConfig } from '../shared/config/load.ts';
import { readLocalState } from '../shared/local/state.ts';
import { overlayDevSecrets } from './dev-config.ts';
import { createLocalProcessor, type EsmOverrides } from './processor.ts';

/**
 * The processor and its event source mapping as a separate process, against a stack started elsewhere (with
 * `processor: false`): the crash tests SIGKILL it mid-batch and start another, which resumes from the persisted
 * checkpoints like a new Lambda poller would.
 * Usage: tsx local/processor-worker.ts <stateDir> [esm overrides as JSON]
 */
async function main(): Promise<void> {
  const [stateDir = '.sluice', overrides] = process.argv.slice(2);
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
      failureQueueUrl: state.failureQueueUrl,
      failureQueueDlqUrl: '',
      esmFailureQueueUrl: state.esmFailureQueueUrl,
    },
    clients,
    sqsForFailures: clients.sqs,
    secrets: createSecretResolver({ env: { ...process.env, ...env } }),
    checkpointsPath: join(stateDir, 'checkpoints.json'),
    ...(overrides && { esm: JSON.parse(overrides) as EsmOverrides }),
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

main().catch((err: unknown) => {
  process.stderr.write(`processor worker: ${(err as Error).message}\n`);
  process.exit(1);
});
