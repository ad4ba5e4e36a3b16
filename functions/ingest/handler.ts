import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { bootstrap } from '../../shared/adapters/bootstrap.ts';
import { createKinesisProducer } from '../../shared/adapters/kinesis-producer.ts';
import { coldStart } from '../../shared/runtime/cold-start.ts';
import { createIngestApp, type IngestHandler } from './app.ts';
import { buildKeyStore } from './keys.ts';

const logger = new Logger({ serviceName: 'sluice-ingest' });

/** Cold start: config, clients, key store (secrets resolved once), app. Started at module load, awaited per call. */
async function init(): Promise<IngestHandler> {
  // The producer retries failed entries itself within the request budget; SDK retries would only stack up.
  const { config, region, resources, clients, secrets } = bootstrap({ maxAttempts: 2 });
  const keys = await buildKeyStore(config, region, secrets, (w) =>
    logger.warn('ingestion key of another region skipped', {
      tenant: w.tenant,
      keyId: w.keyId,
      error: w.error.name,
    }),
  );
  logger.info('ingest ready', { region, keys: keys.size, rulesHash: config.rulesHash });
  return createIngestApp({
    config,
    region,
    keys,
    sink: createKinesisProducer({ client: clients.kinesis, streamName: resources.streamName }),
    log: (entry) =>
      entry.status >= 500 ? logger.error('request', { ...entry }) : logger.info('request', { ...entry }),
  });
}

const ready = coldStart(init, (err) => logger.error('cold start failed', { error: (err as Error).message }));

export const handler = middy(async (event: APIGatewayProxyEventV2) => (await ready())(event)).use(
  injectLambdaContext(logger),
);
