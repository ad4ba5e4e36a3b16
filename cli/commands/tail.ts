import { parseArgs } from 'node:util';
import { listObjects, readObjectLines } from '../../shared/adapters/bucket-reader.ts';
import { createClients } from '../../shared/adapters/clients.ts';
import { DEFAULT_LOCAL_STATE_PATH, readLocalState } from '../../shared/local/state.ts';
import { PREFIXES } from '../../shared/resources.ts';
import type { Command } from '../command.ts';
import { UsageError } from '../errors.ts';

const POLL_MS = 1000;

export const tailCommand: Command = {
  name: 'tail',
  summary: 'print the masked records stored in the bucket of the local stack (--follow for new ones)',
  usage:
    'sluice tail [--state FILE] [--region NAME] [--follow] [--tenant ID] [--last N]\n' +
    '  Prints the NDJSON lines of the stored objects (records/ prefix), oldest object first.\n' +
    '  --last N: only the last N objects at start; --follow: keep polling for new objects (Ctrl-C stops).\n' +
    `  Reads the local stack's endpoints from ${DEFAULT_LOCAL_STATE_PATH} (written by \`npm start\`); --region: that\n` +
    "  region's bucket when the stack runs several (`npm start -- --regions ...`).",
  async run(argv, io) {
    const { values } = parseArgs({
      args: argv,
      options: {
        state: { type: 'string' },
        region: { type: 'string', short: 'r' },
        follow: { type: 'boolean', short: 'f' },
        tenant: { type: 'string', short: 't' },
        last: { type: 'string', short: 'n' },
      },
    });
    const last = values.last === undefined ? undefined : Number(values.last);
    if (last !== undefined && (!Number.isInteger(last) || last < 0)) {
      throw new UsageError('--last must be a non-negative integer');
    }
    const state = readLocalState(values.state, values.region);
    const { s3 } = createClients({ awsRegion: state.awsRegion, endpoints: state.endpoints });
    const prefix = `${PREFIXES.records}${values.tenant ? `tenant=${values.tenant}/` : ''}`;
    // A retried batch may rewrite an object under the same key; each key is printed once, when first seen.
    const seen = new Set<string>();
    let first = true;
    let stop = false;
    const onSignal = () => {
      stop = true;
    };
    process.once('SIGINT', onSignal);
    try {
      while (!stop) {
        const objects = (await listObjects(s3, state.bucket, prefix))
          .filter((o) => !seen.has(o.key))
          .sort((a, b) => a.lastModified - b.lastModified || a.key.localeCompare(b.key));
        const shown =
          first && last !== undefined ? objects.slice(Math.max(objects.length - last, 0)) : objects;
        for (const o of objects) seen.add(o.key);
        for (const o of shown) {
          const lines = await readObjectLines(s3, state.bucket, o.key);
          if (lines.length > 0) io.stdout.write(`${lines.join('\n')}\n`);
        }
        first = false;
        if (!values.follow) break;
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
    } finally {
      process.off('SIGINT', onSignal);
    }
    return 0;
  },
};
