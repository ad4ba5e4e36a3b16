import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { Context } from 'aws-lambda';
import { createClients } from '../../shared/adapters/clients.ts';
import { createSecretResolver, resolveHmacKeys } from '../../shared/adapters/secrets.ts';
import { loadConfig } from '../../shared/config/load.ts';
import { coldStart } from '../../shared/runtime/cold-start.ts';
import { METRIC_NAMESPACE } from '../../shared/runtime/telemetry.ts';
import { createRollupApp, type RollupApp } from './app.ts';
import { rollupStores } from './wiring.ts';

const logger = new Logger({ serviceName: 'sluice-rollup' });
const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? METRIC_NAMESPACE,
  serviceName: 'sluice-rollup',
});

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

async function init(): Promise<RollupApp> {
  const here = typeof __dirname === 'string' ? __dirname : dirname(fileURLToPath(import.meta.url));
  const config = loadConfig(process.env['SLUICE_CONFIG_PATH'] ?? join(here, 'sluice.yaml'));
  const region = required('SLUICE_REGION');
  const awsRegion = config.regions[region]?.awsRegion ?? required('AWS_REGION');
  const clients = createClients({ awsRegion });
  const secrets = createSecretResolver({
    secretsManager: (r) => new SecretsManagerClient({ region: r || awsRegion }),
    ssm: new SSMClient({ region: awsRegion }),
  });
  return createRollupApp({
    config,
    region,
    ...rollupStores(clients.dynamodb, region, {
      regionalTable: required('REGIONAL_TABLE_NAME'),
      globalTable: required('TABLE_NAME'),
    }),
    hmacKeys: await resolveHmacKeys(config, region, secrets),
    logger: {
      info: (m, a) => logger.info(m, { ...a }),
      warn: (m, a) => logger.warn(m, { ...a }),
      error: (m, a) => logger.error(m, { ...a }),
    },
    metrics: { count: (n, v) => metrics.addMetric(n, MetricUnit.Count, v), milliseconds() {} },
  });
}

const ready = coldStart(init, (err) => logger.error('cold start failed', { error: (err as Error).message }));

/** Triggered by the regional table's stream (dirty marks) and a schedule; the event itself is not read. */
export async function handler(_event: unknown, context: Context): Promise<void> {
  const app = await ready();
  // Leave 10 s of the invocation for the windows in flight.
  await app.drain(() => context.getRemainingTimeInMillis() < 10_000);
  metrics.publishStoredMetrics();
}
