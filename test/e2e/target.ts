import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCALSTACK_OUTPUTS_PATH, localstackEndpoint } from '../../local/localstack.ts';
import { type LocalStackOptions, startLocalStack } from '../../local/stack.ts';
import { type Clients, createClients } from '../../shared/adapters/clients.ts';
import type { LocalState } from '../../shared/local/state.ts';
import { storedLines } from '../helpers/e2e.ts';

/**
 * Where the end-to-end suite runs: the embedded emulators (default), or a LocalStack the CDK app was deployed to
 * with `npm run localstack:deploy` (`SLUICE_TARGET=localstack`).
 */
export interface E2eTarget {
  kind: 'embedded' | 'localstack';
  /** Why this suite cannot run here; undefined = it runs. */
  skip: string | undefined;
}

export function e2eTarget(): E2eTarget {
  const kind = process.env.SLUICE_TARGET === 'localstack' ? 'localstack' : 'embedded';
  if (kind === 'localstack' && !existsSync(LOCALSTACK_OUTPUTS_PATH)) {
    const skip = `SLUICE_TARGET=localstack but ${LOCALSTACK_OUTPUTS_PATH} is missing: run \`npm run localstack:deploy\` against a running LocalStack first`;
    console.warn(`[e2e] skipped: ${skip}`);
    return { kind, skip };
  }
  return { kind, skip: undefined };
}

/** A running pipeline the tests send to and read from, whichever the target. */
export interface RunningPipeline {
  state: LocalState;
  clients: Clients;
  /** Resolves once everything sent so far has been processed. */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

export async function openPipeline(
  target: E2eTarget,
  options: LocalStackOptions = {},
): Promise<RunningPipeline> {
  if (target.kind === 'embedded') {
    const stack = await startLocalStack({
      memory: true,
      port: 0,
      stateDir: mkdtempSync(join(tmpdir(), 'sluice-e2e-')),
      esm: { batchingWindowSeconds: 0, pollIntervalMs: 50 },
      ...options,
    });
    return {
      state: stack.state,
      clients: stack.clients,
      settle: () => stack.runner()!.drained(120_000),
      stop: () => stack.stop(),
    };
  }
  const state = JSON.parse(readFileSync(LOCALSTACK_OUTPUTS_PATH, 'utf8')) as LocalState;
  const endpoint = localstackEndpoint();
  const clients = createClients({
    awsRegion: state.awsRegion,
    endpoints: { kinesis: endpoint, dynamodb: endpoint, s3: endpoint, sqs: endpoint },
  });
  const pipeline: RunningPipeline = {
    state,
    clients,
    // LocalStack runs its own event source mapping: wait until the bucket stops changing for 5 s.
    async settle() {
      let last = -1;
      let stableSince = Date.now();
      for (const until = Date.now() + 180_000; Date.now() < until; ) {
        const count = (await storedLines(pipeline)).length;
        if (count !== last) {
          last = count;
          stableSince = Date.now();
        } else if (Date.now() - stableSince > 5_000) return;
        await new Promise((r) => setTimeout(r, 1_000));
      }
      throw new Error('LocalStack pipeline did not settle within 180 s');
    },
    stop: async () => {},
  };
  return pipeline;
}
