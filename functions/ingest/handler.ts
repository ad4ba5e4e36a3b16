import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { createClients } from '../../shared/adapters/clients.ts';
import { createKinesisProducer } from '../../shared/adapters/kinesis-producer.ts';
import { createSecretResolver } from '../../shared/adapters/secrets.ts';
import { loadConfig } from '../../shared/config/load.ts';
import { coldStart } from '../../shared/runtime/cold-start.ts';
import { createIngestApp, type IngestHandler } from './app.ts';
import { buildKeyStore } from './keys.ts';

const logger = new Logger({ serviceName: 'sluice-ingest' });

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

/** Cold start: config, clients, key store (secrets resolved once), app. Started at module load, awaited per call. */
async function init(): Promise<IngestHandler> {
  const here = typeof __dirname === 'string' ? __dirname : dirname(fileURLToPath(import.meta.url));
  const config = loadConfig(process.env['SLUICE_CONFIG_PATH'] ?? join(here, 'sluice.yaml'));
  const region = required('SLUICE_REGION');
  const awsRegion = config.regions[region]?.awsRegion ?? required('AWS_REGION');
  // The producer retries failed entries itself within the request budget; SDK retries would only stack up.
  const { kinesis } = createClients({ awsRegion, maxAttempts: 2 });
  const sm = new Map<string, SecretsManagerClient>();
  const secrets = createSecretResolver({
    secretsManager: (r) => {
      let c = sm.get(r);
      if (!c) {
        c = new SecretsManagerClient({ region: r || awsRegion });
        sm.set(r, c);
      }
      return c;
    },
    ssm: new SSMClient({ region: awsRegion }),
  });
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
    sink: createKinesisProducer({ client: kinesis, streamName: required('STREAM_NAME') }),
    log: (entry) =>
      entry.status >= 500 ? logger.error('request', { ...entry }) : logger.info('request', { ...entry }),
  });
}

const ready = coldStart(init, (err) => logger.error('cold start failed', { error: (err as Error).message }));

export const handler = middy(async (event: APIGatewayProxyEventV2) => (await ready())(event)).use(
  injectLambdaContext(logger),
);
