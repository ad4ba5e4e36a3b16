import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { SQSEvent } from 'aws-lambda';
import { bootstrap, loggerAdapter } from '../../shared/adapters/bootstrap.ts';
import { createRedriveApp, type RedriveApp, type RedriveRequest } from './app.ts';
import { awsRedriveStores } from './wiring.ts';

const logger = new Logger({ serviceName: 'sluice-redrive' });

function init(): RedriveApp {
  const { region, resources, clients, required } = bootstrap();
  return createRedriveApp({
    region,
    ...awsRedriveStores(clients, {
      stream: required('STREAM_NAME'),
      bucket: resources.bucketName,
      failureQueueUrl: required('FAILURE_QUEUE_URL'),
    }),
    logger: loggerAdapter(logger),
  });
}

const app = init();

/** SQS events from the ESM on-failure queue (partial batch responses), or `{action: 'redrive', prefix?, limit?}`. */
export const handler = middy(async (event: SQSEvent | RedriveRequest) => app(event)).use(
  injectLambdaContext(logger),
);
