import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { SQSBatchResponse } from 'aws-lambda';
import { createIngestApp } from '../functions/ingest/app.ts';
import { buildKeyStore } from '../functions/ingest/keys.ts';
import { awsStores } from '../functions/process/wiring.ts';
import { createRedriveApp, type RedriveApp } from '../functions/redrive/app.ts';
import { type Clients, createClients, type Endpoints } from '../shared/adapters/clients.ts';
import { createKinesisProducer } from '../shared/adapters/kinesis-producer.ts';
import { createSecretResolver } from '../shared/adapters/secrets.ts';
import { createKinesisStreamReader } from '../shared/adapters/stream-reader.ts';
import { loadConfig, type SluiceConfig } from '../shared/config/load.ts';
import type { LocalState } from '../shared/local/state.ts';
import { type DevSecrets, devSecrets, overlayDevSecrets } from './dev-config.ts';
import { type Emulators, startEmulators } from './emulators/start.ts';
import type { EsmRunner } from './esm/runner.ts';
import { type FaultProxy, type FaultTarget, startFaultProxy } from './fault-proxy.ts';
import { type ServedLambda, serveLambda } from './http-adapter.ts';
import { createMetricsRecorder, type MetricsRecorder } from './metrics-recorder.ts';
import { createLocalProcessor, type EsmOverrides } from './processor.ts';
import { type ProvisionedRegion, provision } from './provision.ts';
import { type RollupPoller, startRollupPoller } from './rollup-poller.ts';
import { createSqsPoller } from './sqs-poller.ts';

export const DEFAULT_CONFIG_PATH = 'config/example.yaml';
export const DEFAULT_STATE_DIR = '.sluice';
/** The OTLP/HTTP default port: an OpenTelemetry exporter with default settings finds the local stack. */
export const DEFAULT_PORT = 4318;

export interface LocalStackOptions {
  configPath?: string;
  /** Residency region to serve; default the config's first. */
  region?: string;
  /** Ingest port on 127.0.0.1; 0 = a free one. */
  port?: number;
  /**
   * Holds local.json and metrics.json, and unless `memory` the emulators' data and checkpoints.json (`memory`
   * leaves both untouched: the next persistent start resumes from them).
   */
  stateDir?: string;
  /** Emulator data in memory: nothing survives a restart. */
  memory?: boolean;
  /**
   * Fault injection: a proxy in front of each named emulator (default kinesis, dynamodb, s3) answers this share of
   * the functions' calls with throttling or 5xx. Provisioning and readers use the emulators directly.
   */
  faults?: { failureRate: number; targets?: FaultTarget[] };
  /** Run the event source mapping and the processor in this process (default true). */
  processor?: boolean;
  /** Overrides of the event source mapping (tests shorten the batching window, the poll interval). */
  esm?: EsmOverrides;
  /** Lines about the stack itself (never record contents). */
  log?: (line: string) => void;
  /**
   * Development keys and HMAC key to use instead of the ones kept in local.json (the multi-region stack gives
   * every region the keys of all tenants, so a key posted to the wrong region is refused by residency).
   */
  secrets?: DevSecrets;
  /**
   * The DynamoDB endpoint every client of this stack uses, given the emulator's (the multi-region stack puts the
   * global-table replicator's write tap there). Default: the emulator itself.
   */
  dynamodbEndpoint?: (emulatorUrl: string) => Promise<string>;
  /** Ingest URL of another region, named when a tenant of that region posts here (multi-region stack). */
  ingestUrlOf?: (region: string) => string | undefined;
}

export interface LocalStack {
  state: LocalState;
  config: SluiceConfig;
  resources: ProvisionedRegion;
  /** Clients straight to the emulators (no fault proxy): for readers, tests and the demo. */
  clients: Clients;
  metrics: MetricsRecorder;
  /** The redrive app (parks on-failure batches; `redrive()` re-injects parked records). */
  redrive: RedriveApp;
  /** The roll-up (regional table → global table) drained every 2 s; `drainNow()` for tests. */
  rollup: RollupPoller;
  faultProxies: FaultProxy[];
  /** The running event source mapping, when `processor` is on. */
  runner(): EsmRunner | undefined;
  /** Starts a new processor (after `stopProcessor`), resuming from the persisted checkpoints. */
  startProcessor(): Promise<void>;
  /** Stops the processor; `abandon` drops its batches in flight unrecorded, as a crash would. */
  stopProcessor(options?: { abandon?: boolean }): Promise<void>;
  stop(): Promise<void>;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function previousState(path: string): Partial<LocalState> | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Partial<LocalState>;
  } catch {
    return undefined;
  }
}

/**
 * The whole pipeline on loopback: emulators, the resources the CDK app defines, the real ingest app behind the HTTP
 * adapter and the real processor behind a local event source mapping. `npm start` and the end-to-end tests both
 * run this.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const configPath = resolve(options.configPath ?? DEFAULT_CONFIG_PATH);
  const fileConfig = loadConfig(configPath);
  const region = options.region ?? Object.keys(fileConfig.regions)[0]!;
  if (!fileConfig.regions[region]) {
    throw new RangeError(
      `region "${region}" is not in ${configPath} (it has: ${Object.keys(fileConfig.regions).join(', ')})`,
    );
  }
  const stateDir = resolve(options.stateDir ?? DEFAULT_STATE_DIR);
  mkdirSync(stateDir, { recursive: true });
  const statePath = join(stateDir, 'local.json');
  const checkpointsPath = join(stateDir, 'checkpoints.json');
  const metricsPath = join(stateDir, 'metrics.json');
  const log = options.log ?? (() => {});

  const previous = previousState(statePath);
  if (previous?.pid && previous.pid !== process.pid && isAlive(previous.pid)) {
    throw new Error(
      `a local stack already runs from ${stateDir} (pid ${previous.pid}); stop it first or pass another state dir`,
    );
  }
  const secrets =
    options.secrets ?? devSecrets(fileConfig, region, previous?.region === region ? previous : undefined);
  const tenant = fileConfig.tenants.find((t) => t.homeRegion === region);
  if (!tenant) throw new RangeError(`no tenant of ${configPath} has homeRegion "${region}"`);
  const { config, env } = overlayDevSecrets(fileConfig, region, secrets);

  const emulators: Emulators = await startEmulators(
    options.memory ? {} : { dataDir: join(stateDir, 'data') },
  );
  const cleanups: (() => Promise<void>)[] = [() => emulators.stop()];
  const stopAll = async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
  };
  try {
    const awsRegion = config.regions[region]!.awsRegion;
    const endpoints: Endpoints = options.dynamodbEndpoint
      ? { ...emulators.endpoints, dynamodb: await options.dynamodbEndpoint(emulators.endpoints.dynamodb) }
      : emulators.endpoints;
    const clients = createClients({ awsRegion, endpoints });
    const resources = await provision(config, region, clients);

    const faultProxies: FaultProxy[] = [];
    const fnEndpoints: Endpoints = { ...endpoints };
    if (options.faults) {
      for (const kind of options.faults.targets ?? (['kinesis', 'dynamodb', 's3'] as const)) {
        const proxy = await startFaultProxy({
          target: endpoints[kind],
          kind,
          failureRate: options.faults.failureRate,
        });
        faultProxies.push(proxy);
        cleanups.push(() => proxy.close());
        fnEndpoints[kind] = proxy.url;
      }
    }

    // The functions' clients, configured as their handlers configure them (ingest: 2 SDK attempts).
    const ingestClients = createClients({ awsRegion, endpoints: fnEndpoints, maxAttempts: 2 });
    const processClients = createClients({ awsRegion, endpoints: fnEndpoints });

    const resolver = createSecretResolver({ env: { ...process.env, ...env } });
    const keys = await buildKeyStore(config, region, resolver);
    const ingest = createIngestApp({
      config,
      region,
      keys,
      sink: createKinesisProducer({ client: ingestClients.kinesis, streamName: resources.streamName }),
      ...(options.ingestUrlOf && { endpointOf: options.ingestUrlOf }),
      log: (e) => {
        if (e.status >= 500) log(`ingest ${e.route} ${e.status} ${e.reason ?? ''}`);
      },
    });
    const served: ServedLambda = await serveLambda(ingest, {
      port: options.port ?? DEFAULT_PORT,
      host: '127.0.0.1',
    });
    cleanups.push(() => served.close());

    // The redrive function on the esm-failures queue, as the CDK app wires it (batch size 1).
    const stores = awsStores(
      processClients,
      {
        bucket: resources.bucketName,
        regionalTable: resources.regionalTableName,
        failureQueueUrl: resources.failureQueueUrl,
      },
      region,
    );
    const redrive = createRedriveApp({
      region,
      failures: stores.failures,
      alerts: stores.alerts,
      reader: createKinesisStreamReader({ client: processClients.kinesis, streamName: resources.streamName }),
      sink: createKinesisProducer({ client: processClients.kinesis, streamName: resources.streamName }),
      logger: {
        info() {},
        warn: (m, a) => log(`redrive: ${m} ${JSON.stringify(a ?? {})}`),
        error: (m, a) => log(`redrive: ${m} ${JSON.stringify(a ?? {})}`),
      },
    });
    const poller = createSqsPoller({
      sqs: clients.sqs,
      queueUrl: resources.esmFailureQueueUrl,
      awsRegion,
      batchSize: 1,
      handler: (event) => redrive(event) as Promise<SQSBatchResponse>,
      log,
    });
    await poller.start();
    cleanups.push(() => poller.stop());

    const metrics = createMetricsRecorder();
    const processor = await createLocalProcessor({
      config,
      region,
      resources,
      clients: processClients,
      sqsForFailures: clients.sqs,
      secrets: resolver,
      // In memory the stream starts empty: its checkpoints live as long as it does.
      ...(!options.memory && { checkpointsPath }),
      metrics,
      ...(options.esm && { esm: options.esm }),
      log,
    });
    let runner: EsmRunner | undefined;
    const startProcessor = async () => {
      if (runner) return;
      runner = processor.createRunner();
      await runner.start();
    };
    const stopProcessor = async (o: { abandon?: boolean } = {}) => {
      const r = runner;
      runner = undefined;
      await r?.stop(o);
    };
    if (options.processor !== false) await startProcessor();
    cleanups.push(() => stopProcessor());
    const rollup = await startRollupPoller({
      config,
      region,
      clients,
      regionalTable: resources.regionalTableName,
      globalTable: resources.tableName,
      secrets: resolver,
      log,
    });
    // Cleanups run in reverse: the roll-up stops before the processor and the emulators.
    cleanups.push(async () => {
      await rollup.stop();
    });

    const writeMetrics = () => writeFileSync(metricsPath, JSON.stringify(metrics.totals()));
    writeMetrics();
    const timer = setInterval(writeMetrics, 1000);
    timer.unref();
    cleanups.push(async () => {
      clearInterval(timer);
      writeMetrics();
    });

    const state: LocalState = {
      ingestUrl: served.url,
      apiKey: secrets.keys[tenant.id]!,
      tenant: tenant.id,
      region,
      awsRegion,
      endpoints,
      bucket: resources.bucketName,
      table: resources.tableName,
      regionalTable: resources.regionalTableName,
      stream: resources.streamName,
      failureQueueUrl: resources.failureQueueUrl,
      esmFailureQueueUrl: resources.esmFailureQueueUrl,
      configPath,
      pid: process.pid,
      keys: secrets.keys,
      hmacKey: secrets.hmacKey,
    };
    writeFileSync(statePath, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });

    return {
      state,
      config,
      resources,
      clients,
      metrics,
      redrive,
      rollup,
      faultProxies,
      runner: () => runner,
      startProcessor,
      stopProcessor,
      async stop() {
        await stopAll();
        // A stale local.json would point the CLI at ports nobody listens on; keep the keys for the next start.
        if (existsSync(statePath)) {
          writeFileSync(statePath, `${JSON.stringify({ ...state, pid: 0 }, null, 2)}\n`, { mode: 0o600 });
        }
      },
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
