import { parseArgs } from 'node:util';
import { createRedriveApp } from '../../functions/redrive/app.ts';
import { awsRedriveStores } from '../../functions/redrive/wiring.ts';
import { createMemoryAlertQueue } from '../../shared/adapters/alert-queue.ts';
import { regionResources } from '../../shared/resources.ts';
import type { Command } from '../command.ts';
import { UsageError } from '../errors.ts';
import { resolveTarget, TARGET_OPTIONS, TARGET_USAGE } from './query.ts';

export const redriveCommand: Command = {
  name: 'redrive',
  summary: 're-inject records parked in the failure store into their region stream',
  usage:
    'sluice redrive [--prefix P] [--limit N] [--dry-run] [target options]\n' +
    '  Re-injects parked records (failed/<P>…) into the same region stream and removes them from the store.\n' +
    '  Records keep their ingest ids; see functions/redrive/app.ts for what a redrive can double count.\n' +
    TARGET_USAGE,
  async run(argv, io) {
    const { values } = parseArgs({
      args: argv,
      options: {
        ...TARGET_OPTIONS,
        prefix: { type: 'string', short: 'p' },
        limit: { type: 'string', short: 'n' },
        'dry-run': { type: 'boolean' },
      },
    });
    const limit = values.limit === undefined ? 1000 : Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1)
      throw new UsageError('--limit must be a positive whole number');
    const target = resolveTarget(values);
    const names = regionResources(target.config, target.region);
    const stores = awsRedriveStores(target.clients, {
      stream: target.local?.stream ?? names.streamName,
      bucket: target.local?.bucket ?? names.bucketName,
      failureQueueUrl: target.local?.failureQueueUrl ?? '',
    });
    const prefix = values.prefix ?? '';
    if (values['dry-run']) {
      const keys = await stores.failures.list(prefix, limit);
      io.stdout.write(keys.length > 0 ? `${keys.join('\n')}\n` : '');
      io.stderr.write(`${keys.length} parked record(s) would be redriven into ${target.region}\n`);
      return 0;
    }
    // Redrive re-injects only; alerts are for parking, which the CLI never does.
    const app = createRedriveApp({ region: target.region, ...stores, alerts: createMemoryAlertQueue() });
    const result = await app.redrive({ prefix, limit });
    io.stderr.write(
      `redriven ${result.redriven} record(s) into ${target.region}` +
        (result.remaining > 0 ? `; ${result.remaining} still parked (the stream did not accept them)` : '') +
        '\n',
    );
    return result.remaining > 0 ? 1 : 0;
  },
};
