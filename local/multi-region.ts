import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig, type SluiceConfig } from '../shared/config/load.ts';
import type { LocalRegionState, LocalState } from '../shared/local/state.ts';
import { globalResources } from '../shared/resources.ts';
import { type DevSecrets, devSecrets } from './dev-config.ts';
import type { EsmOverrides } from './processor.ts';
import { createReplicator, type Replicator } from './replicator.ts';
import {
  DEFAULT_CONFIG_PATH,
  DEFAULT_PORT,
  DEFAULT_STATE_DIR,
  isAlive,
  type LocalStack,
  startLocalStack,
} from './stack.ts';

export interface MultiRegionOptions {
  configPath?: string;
  /** Residency regions to run (config keys), in order; `all` or absent: every region of the config. */
  regions?: readonly string[] | 'all';
  /** Ingest port of the first region; the next ones count up from it. 0 = free ports. */
  port?: number;
  /** local.json (every region) goes here, each region's own data under `regions/<name>/`. */
  stateDir?: string;
  memory?: boolean;
  /** Global-table replication delay per change (default 1000 ms) and its jitter (default 500 ms). */
  replication?: { delayMs?: number; jitterMs?: number };
  esm?: EsmOverrides;
  log?: (line: string) => void;
}

export interface MultiRegionStack {
  /** What local.json holds: the first region's fields at the top, every region under `regions`. */
  state: LocalState;
  config: SluiceConfig;
  /** One whole local pipeline per region, by region name. */
  stacks: Record<string, LocalStack>;
  replicator: Replicator;
  stop(): Promise<void>;
}

/** `--regions eu,us` or `all`: the regions to run, checked against the config. */
export function selectRegions(config: SluiceConfig, spec: readonly string[] | 'all' | undefined): string[] {
  const all = Object.keys(config.regions);
  if (spec === undefined || spec === 'all' || (spec.length === 1 && spec[0] === 'all')) return all;
  const picked = [...new Set(spec.map((r) => r.trim()).filter((r) => r.length > 0))];
  const unknown = picked.filter((r) => !all.includes(r));
  if (unknown.length > 0) {
    throw new RangeError(
      `unknown region ${unknown.map((r) => `"${r}"`).join(', ')} (the config has: ${all.join(', ')})`,
    );
  }
  if (picked.length === 0)
    throw new RangeError(`--regions names no region (the config has: ${all.join(', ')})`);
  return picked;
}

/**
 * Every selected residency region side by side, as deployed: each its own emulators (Kinesis, S3, SQS, and a
 * DynamoDB holding its replica of the global table next to its regional store), ingest port and processor, and the
 * replicator carrying the global table's item changes between the DynamoDB emulators. Every region knows every
 * tenant's development key, so a key posted to the wrong region is refused by residency (403), as in AWS where
 * one config holds all tenants.
 */
export async function startMultiRegionStack(options: MultiRegionOptions = {}): Promise<MultiRegionStack> {
  const configPath = resolve(options.configPath ?? DEFAULT_CONFIG_PATH);
  const config = loadConfig(configPath);
  const regions = selectRegions(config, options.regions);
  const stateDir = resolve(options.stateDir ?? DEFAULT_STATE_DIR);
  mkdirSync(stateDir, { recursive: true });
  const statePath = join(stateDir, 'local.json');
  const log = options.log ?? (() => {});
  let previous: Partial<LocalState> | undefined;
  try {
    previous = JSON.parse(readFileSync(statePath, 'utf8')) as Partial<LocalState>;
  } catch {}
  if (previous?.pid && previous.pid !== process.pid && isAlive(previous.pid)) {
    throw new Error(
      `a local stack already runs from ${stateDir} (pid ${previous.pid}); stop it first or pass another state dir`,
    );
  }
  const secrets: DevSecrets = { keys: {}, hmacKey: '' };
  for (const r of Object.keys(config.regions)) {
    const s = devSecrets(config, r, previous);
    Object.assign(secrets.keys, s.keys);
    secrets.hmacKey = s.hmacKey; // the previous one when there is one; the same draw is kept for every region
  }

  const replicator = createReplicator({
    table: globalResources(config).tableName,
    ...(options.replication?.delayMs !== undefined && { delayMs: options.replication.delayMs }),
    ...(options.replication?.jitterMs !== undefined && { jitterMs: options.replication.jitterMs }),
    log,
  });
  const stacks: Record<string, LocalStack> = {};
  const basePort = options.port ?? DEFAULT_PORT;
  const stopAll = async () => {
    const running = Object.values(stacks).reverse();
    // Processors first (they write the global table), then what they wrote reaches the other replicas, then the
    // rest of each region.
    for (const s of running) await s.stopProcessor().catch(() => undefined);
    await replicator.settle(5000).catch(() => undefined);
    for (const s of running) await s.stop().catch(() => undefined);
    await replicator.close();
  };
  try {
    for (const [i, region] of regions.entries()) {
      stacks[region] = await startLocalStack({
        configPath,
        region,
        port: basePort === 0 ? 0 : basePort + i,
        stateDir: join(stateDir, 'regions', region),
        ...(options.memory && { memory: true }),
        ...(options.esm && { esm: options.esm }),
        secrets,
        dynamodbEndpoint: (url) => replicator.attach(region, url),
        ingestUrlOf: (r) => stacks[r]?.state.ingestUrl,
        log: (line) => log(`[${region}] ${line}`),
      });
    }
  } catch (err) {
    await stopAll();
    throw err;
  }

  const byRegion: Record<string, LocalRegionState> = {};
  for (const region of regions) {
    const s = stacks[region]!.state;
    byRegion[region] = {
      ingestUrl: s.ingestUrl,
      apiKey: s.apiKey,
      tenant: s.tenant,
      awsRegion: s.awsRegion,
      endpoints: s.endpoints,
      bucket: s.bucket,
      table: s.table,
      ...(s.regionalTable !== undefined && { regionalTable: s.regionalTable }),
      stream: s.stream,
      failureQueueUrl: s.failureQueueUrl,
      esmFailureQueueUrl: s.esmFailureQueueUrl,
    };
  }
  const state: LocalState = { ...stacks[regions[0]!]!.state, keys: secrets.keys, regions: byRegion };
  const write = (s: LocalState) =>
    writeFileSync(statePath, `${JSON.stringify(s, null, 2)}\n`, { mode: 0o600 });
  write(state);
  return {
    state,
    config,
    stacks,
    replicator,
    async stop() {
      await stopAll();
      // Keep the keys for the next start; pid 0 tells the CLI nobody listens.
      write({ ...state, pid: 0 });
    },
  };
}
