import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { loadConfig, type SluiceConfig } from '../config/load.ts';
import { type RegionResources, regionResources } from '../resources.ts';
import type { ProcessLogger, ProcessMetrics } from '../runtime/telemetry.ts';
import { type Clients, createClients, type Endpoints } from './clients.ts';
import { createSecretResolver, type SecretResolver } from './secrets.ts';

/** What every handler needs at cold start, built once by {@link bootstrap}. */
export interface FunctionRuntime {
  config: SluiceConfig;
  /** Residency region this function serves (SLUICE_REGION). */
  region: string;
  awsRegion: string;
  /**
   * Names of the region's resources (regionResources), with the deployed bucket and stream names the stack put in
   * BUCKET_NAME / STREAM_NAME when set (the deployed bucket name holds the account, known only at deploy time).
   */
  resources: RegionResources;
  clients: Clients;
  /** Secrets Manager clients cached per AWS region (an ARN names its region), one SSM client; values cached. */
  secrets: SecretResolver;
  /** An environment variable the function cannot run without. */
  required(name: string): string;
}

export interface BootstrapOptions {
  /** Default: process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** SDK retry attempts (the ingest producer retries itself within the request budget). */
  maxAttempts?: number;
}

/**
 * Cold start of a handler: config (SLUICE_CONFIG_PATH, else `sluice.yaml` beside the bundle), region, SDK clients
 * created once, the secrets resolver. SLUICE_ENDPOINTS (JSON `{kinesis, dynamodb, s3, sqs}`) points the clients at
 * emulators — the smoke tests and LocalStack runs; the CDK app never sets it.
 */
export function bootstrap(options: BootstrapOptions = {}): FunctionRuntime {
  const env = options.env ?? process.env;
  const required = (name: string): string => {
    const value = env[name];
    if (!value) throw new Error(`environment variable ${name} is not set`);
    return value;
  };
  const here = typeof __dirname === 'string' ? __dirname : dirname(fileURLToPath(import.meta.url));
  const config = loadConfig(env['SLUICE_CONFIG_PATH'] ?? join(here, 'sluice.yaml'));
  const region = required('SLUICE_REGION');
  const awsRegion = config.regions[region]?.awsRegion ?? required('AWS_REGION');
  const endpoints = env['SLUICE_ENDPOINTS'] ? (JSON.parse(env['SLUICE_ENDPOINTS']) as Endpoints) : undefined;
  const clients = createClients({
    awsRegion,
    ...(endpoints && { endpoints }),
    ...(options.maxAttempts !== undefined && { maxAttempts: options.maxAttempts }),
  });
  const names = regionResources(config, region);
  const resources: RegionResources = {
    ...names,
    bucketName: env['BUCKET_NAME'] || names.bucketName,
    streamName: env['STREAM_NAME'] || names.streamName,
  };
  const secretsManagers = new Map<string, SecretsManagerClient>();
  const secrets = createSecretResolver({
    secretsManager: (r) => {
      const at = r || awsRegion;
      let client = secretsManagers.get(at);
      if (!client) {
        client = new SecretsManagerClient({ region: at });
        secretsManagers.set(at, client);
      }
      return client;
    },
    ssm: new SSMClient({ region: awsRegion }),
    env,
  });
  return { config, region, awsRegion, resources, clients, secrets, required };
}

/** Powertools' Logger as the pipeline's logger; attributes are copied (Powertools keeps a reference). */
export function loggerAdapter(logger: Logger): ProcessLogger {
  return {
    info: (m, a) => logger.info(m, { ...a }),
    warn: (m, a) => logger.warn(m, { ...a }),
    error: (m, a) => logger.error(m, { ...a }),
  };
}

/** Powertools Metrics (EMF) as the pipeline's metrics: a dimensioned count is its own single metric (own series). */
export function metricsAdapter(metrics: Metrics): ProcessMetrics {
  return {
    count(name, value, dimension) {
      if (!dimension) return void metrics.addMetric(name, MetricUnit.Count, value);
      const single = metrics.singleMetric();
      single.addDimension(dimension.name, dimension.value);
      single.addMetric(name, MetricUnit.Count, value);
    },
    milliseconds(name, value) {
      metrics.addMetric(name, MetricUnit.Milliseconds, value);
    },
  };
}
