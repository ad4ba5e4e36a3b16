import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import middy from '@middy/core';
import type { Context, KinesisStreamEvent } from 'aws-lambda';
import { createClients } from '../../shared/adapters/clients.ts';
import { createSecretResolver } from '../../shared/adapters/secrets.ts';
import { loadConfig } from '../../shared/config/load.ts';
import { coldStart } from '../../shared/runtime/cold-start.ts';
import { METRIC_NAMESPACE, type ProcessMetrics } from '../../shared/runtime/telemetry.ts';
import { createProcessApp, type ProcessHandler } from './app.ts';
import { awsStores, resolveHmacKeys } from './wiring.ts';

const logger = new Logger({ serviceName: 'sluice-process' });
// Powertools reads POWERTOOLS_METRICS_NAMESPACE (set by infra); the fallback keeps local runs in the same namespace.
const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? METRIC_NAMESPACE,
  serviceName: 'sluice-process',
});

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

/** Dimensioned counts go out as single EMF metrics so each reason/detector is its own series. */
const emf: ProcessMetrics = {
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

async function init(): Promise<ProcessHandler> {
  const here = typeof __dirname === 'string' ? __dirname : dirname(fileURLToPath(import.meta.url));
  const config = loadConfig(process.env['SLUICE_CONFIG_PATH'] ?? join(here, 'sluice.yaml'));
  const region = required('SLUICE_REGION');
  const awsRegion = config.regions[region]?.awsRegion ?? required('AWS_REGION');
  const clients = createClients({ awsRegion });
  const secrets = createSecretResolver({
    secretsManager: (r) => new SecretsManagerClient({ region: r || awsRegion }),
    ssm: new SSMClient({ region: awsRegion }),
  });
  const hmacKeys = await resolveHmacKeys(config, region, secrets);
  logger.info('process ready', { region, rulesHash: config.rulesHash });
  return createProcessApp({
    config,
    region,
    ...awsStores(clients, {
      bucket: required('BUCKET_NAME'),
      table: required('TABLE_NAME'),
      failureQueueUrl: required('FAILURE_QUEUE_URL'),
    }),
    hmacKeys,
    logger: {
      info: (m, a) => logger.info(m, { ...a }),
      warn: (m, a) => logger.warn(m, { ...a }),
      error: (m, a) => logger.error(m, { ...a }),
    },
    metrics: emf,
  });
}

const ready = coldStart(init, (err) => logger.error('cold start failed', { error: (err as Error).message }));

export const handler = middy(async (event: KinesisStreamEvent, context: Context) =>
  (await ready())(event, context),
)
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
