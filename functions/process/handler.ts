import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, KinesisStreamEvent } from 'aws-lambda';
import { bootstrap, loggerAdapter, metricsAdapter } from '../../shared/adapters/bootstrap.ts';
import { resolveHmacKeys } from '../../shared/adapters/secrets.ts';
import { coldStart } from '../../shared/runtime/cold-start.ts';
import { METRIC_NAMESPACE } from '../../shared/runtime/telemetry.ts';
import { createProcessApp, type ProcessHandler } from './app.ts';
import { awsStores } from './wiring.ts';

const logger = new Logger({ serviceName: 'sluice-process' });
// Powertools reads POWERTOOLS_METRICS_NAMESPACE (set by infra); the fallback keeps local runs in the same namespace.
const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? METRIC_NAMESPACE,
  serviceName: 'sluice-process',
});

async function init(): Promise<ProcessHandler> {
  const { config, region, resources, clients, secrets, required } = bootstrap();
  const hmacKeys = await resolveHmacKeys(config, region, secrets);
  logger.info('process ready', { region, rulesHash: config.rulesHash });
  return createProcessApp({
    config,
    region,
    ...awsStores(
      clients,
      {
        bucket: resources.bucketName,
        // The processor writes only its region's aggregate table; the roll-up alone writes the global one.
        regionalTable: resources.regionalTableName,
        failureQueueUrl: required('FAILURE_QUEUE_URL'),
      },
      region,
    ),
    recordsPrefix: resources.prefixes.records,
    hmacKeys,
    logger: loggerAdapter(logger),
    metrics: metricsAdapter(metrics),
  });
}

const ready = coldStart(init, (err) => logger.error('cold start failed', { error: (err as Error).message }));

export const handler = middy(async (event: KinesisStreamEvent, context: Context) =>
  (await ready())(event, context),
)
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
