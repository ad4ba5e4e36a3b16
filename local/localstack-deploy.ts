import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { createClients } from '../shared/adapters/clients.ts';
import { loadConfig } from '../shared/config/load.ts';
import type { LocalState } from '../shared/local/state.ts';
import { globalResources, regionResources } from '../shared/resources.ts';
import { devSecrets } from './dev-config.ts';
import { derivedConfig, HMAC_PARAMETER, LOCALSTACK_OUTPUTS_PATH, localstackEndpoint } from './localstack.ts';

/**
 * `npm run localstack:deploy [-- --config F --region R]`: deploys the CDK app (global stack + the region's pipeline
 * stack) with cdklocal to a running LocalStack, then writes `.sluice/localstack.json` (LocalState fields) for
 * `SLUICE_TARGET=localstack npm run test:e2e` and the CLI (`--state .sluice/localstack.json`).
 *
 * LocalStack runs in Docker and needs LOCALSTACK_AUTH_TOKEN (since 2026). Secrets the config keeps in Secrets
 * Manager cannot be read there, so the deployed config is a derived copy (`.sluice/localstack.yaml`): a development
 * ingestion key (sha256) per tenant of the region, and HMAC keys read from an SSM SecureString this script creates.
 */

function fail(message: string): never {
  process.stderr.write(`localstack:deploy: ${message}\n`);
  process.exit(1);
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((res, rej) => {
    const child = spawn(cmd, args, { stdio: 'inherit', env });
    child.once('exit', (code) =>
      code === 0 ? res() : rej(new Error(`${cmd} ${args[0]} exited with ${code}`)),
    );
    child.once('error', rej);
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      config: { type: 'string', default: 'config/example.yaml' },
      region: { type: 'string' },
    },
  });
  const endpoint = localstackEndpoint();
  try {
    const res = await fetch(`${endpoint}/_localstack/health`, { signal: AbortSignal.timeout(3000) });
    if (!res.ok) throw new Error(`health answered ${res.status}`);
  } catch (err) {
    fail(
      `no LocalStack at ${endpoint} (${(err as Error).message}). Start one (Docker required):\n` +
        '  docker run -d -p 4566:4566 -e LOCALSTACK_AUTH_TOKEN=$LOCALSTACK_AUTH_TOKEN \\\n' +
        '    -v /var/run/docker.sock:/var/run/docker.sock localstack/localstack\n' +
        'or set SLUICE_LOCALSTACK_ENDPOINT. The embedded emulators (`npm start`) need neither Docker nor a token.',
    );
  }
  const configPath = resolve(values.config);
  const config = loadConfig(configPath);
  const region = values.region ?? Object.keys(config.regions)[0]!;
  const r = regionResources(config, region);
  const g = globalResources(config);
  const tenant = config.tenants.find((t) => t.homeRegion === region);
  if (!tenant) fail(`no tenant of ${configPath} has homeRegion "${region}"`);

  let previous: Partial<LocalState> | undefined;
  try {
    previous = JSON.parse(readFileSync(LOCALSTACK_OUTPUTS_PATH, 'utf8')) as LocalState;
  } catch {}
  const secrets = devSecrets(config, region, previous);
  const derivedPath = resolve('.sluice/localstack.yaml');
  mkdirSync(dirname(derivedPath), { recursive: true });
  writeFileSync(derivedPath, derivedConfig(readFileSync(configPath, 'utf8'), secrets.keys), {
    mode: 0o600,
  });

  const fake = { accessKeyId: 'test', secretAccessKey: 'test' };
  await new SSMClient({ region: r.awsRegion, endpoint, credentials: fake }).send(
    new PutParameterCommand({
      Name: HMAC_PARAMETER,
      Value: secrets.hmacKey,
      Type: 'SecureString',
      Overwrite: true,
    }),
  );

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SLUICE_CONFIG: derivedPath,
    AWS_ENDPOINT_URL: endpoint,
    AWS_ENDPOINT_URL_S3:
      process.env.AWS_ENDPOINT_URL_S3 ?? endpoint.replace('localhost', 's3.localhost.localstack.cloud'),
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    CDK_DEFAULT_ACCOUNT: '000000000000',
    AWS_ENVAR_ALLOWLIST: 'AWS_REGION,AWS_DEFAULT_REGION',
    AWS_REGION: r.awsRegion,
    AWS_DEFAULT_REGION: r.awsRegion,
  };
  const cdklocal = resolve('node_modules/.bin/cdklocal');
  const regions = [...new Set([g.homeAwsRegion, r.awsRegion])];
  for (const awsRegion of regions) {
    await run(cdklocal, ['bootstrap', `aws://000000000000/${awsRegion}`], env);
  }
  const outputsPath = resolve('.sluice/localstack-outputs.json');
  await run(
    cdklocal,
    [
      'deploy',
      g.stackName,
      r.stackName,
      '--require-approval',
      'never',
      '--outputs-file',
      outputsPath,
      '-c',
      `config=${derivedPath}`,
    ],
    env,
  );
  const outputs = JSON.parse(readFileSync(outputsPath, 'utf8')) as Record<string, Record<string, string>>;
  const ingestUrl = outputs[r.stackName]?.['IngestUrl'];
  if (!ingestUrl) fail(`the deployment has no IngestUrl output (outputs: ${JSON.stringify(outputs)})`);

  const clients = createClients({
    awsRegion: r.awsRegion,
    endpoints: { kinesis: endpoint, dynamodb: endpoint, s3: endpoint, sqs: endpoint },
  });
  const queueUrl = async (name: string) =>
    (await clients.sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl ?? '';
  const state: LocalState = {
    ingestUrl: ingestUrl.replace(/\/$/, ''),
    apiKey: secrets.keys[tenant.id]!,
    tenant: tenant.id,
    region,
    awsRegion: r.awsRegion,
    endpoints: { kinesis: endpoint, dynamodb: endpoint, s3: endpoint, sqs: endpoint },
    bucket: r.bucketName,
    table: g.tableName,
    stream: r.streamName,
    failureQueueUrl: await queueUrl(r.failureQueueName),
    esmFailureQueueUrl: await queueUrl(r.esmFailureQueueName),
    configPath: derivedPath,
    pid: 0,
    keys: secrets.keys,
    hmacKey: secrets.hmacKey,
  };
  writeFileSync(LOCALSTACK_OUTPUTS_PATH, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  process.stdout.write(
    `deployed ${g.stackName} and ${r.stackName} to LocalStack at ${endpoint}\n` +
      `  ingest URL ${state.ingestUrl}\n  API key    ${state.apiKey}\n` +
      `  wrote ${LOCALSTACK_OUTPUTS_PATH}; run: SLUICE_TARGET=localstack npm run test:e2e\n`,
  );
}

main().catch((err: unknown) => fail((err as Error).message));
