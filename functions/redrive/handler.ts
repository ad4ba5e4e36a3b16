import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { SQSEvent } from 'aws-lambda';
import { createClients } from '../../shared/adapters/clients.ts';
import { loadConfig } from '../../shared/config/load.ts';
import { createRedriveApp, type RedriveApp, type RedriveRequest } from './app.ts';
import { awsRedriveStores } from './wiring.ts';

const logger = new Logger({ serviceName: 'sluice-redrive' });

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

function init(): RedriveApp {
  const here = typeof __dirname === 'string' ? __dirname : dirname(fileURLToPath(import.meta.url));
  const config = loadConfig(process.env['SLUICE_CONFIG_PATH'] ?? join(here, 'sluice.yaml'));
  const region = required('SLUICE_REGION');
  const awsRegion = config.regions[region]?.awsRegion ?? required('AWS_REGION');
  return createRedriveApp({
    region,
    ...awsRedriveStores(createClients({ awsRegion }), {
      stream: required('STREAM_NAME'),
      bucket: required('BUCKET_NAME'),
      failureQueueUrl: required('FAILURE_QUEUE_URL'),
    }),
    logger: {
      info: (m, a) => logger.info(m, { ...a }),
      warn: (m, a) => logger.warn(m, { ...a }),
      error: (m, a) => logger.error(m, { ...a }),
    },
  });
}

const app = init();

/** SQS events from the ESM on-failure queue (partial batch responses), or `{action: 'redrive', prefix?, limit?}`. */
export const handler = middy(async (event: SQSEvent | RedriveRequest) => app(event)).use(
  injectLambdaContext(logger),
);
