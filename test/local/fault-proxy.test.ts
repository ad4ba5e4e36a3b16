import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulators, startEmulators } from '../../local/emulators/start.ts';
import { type FaultProxy, startFaultProxy } from '../../local/fault-proxy.ts';
import { createClients } from '../../shared/adapters/clients.ts';

let emulators: Emulators;
const proxies: FaultProxy[] = [];
beforeAll(async () => {
  emulators = await startEmulators();
});
afterAll(async () => {
  await Promise.all(proxies.map((p) => p.close()));
  await emulators?.stop();
});

async function clientsBehind(rate: number, throttleShare: number) {
  const endpoints = { ...emulators.endpoints };
  for (const kind of ['kinesis', 'dynamodb', 's3'] as const) {
    const p = await startFaultProxy({
      target: emulators.endpoints[kind],
      kind,
      failureRate: rate,
      throttleShare,
    });
    proxies.push(p);
    endpoints[kind] = p.url;
  }
  return createClients({ awsRegion: 'eu-west-1', endpoints, maxAttempts: 1 });
}

const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: { name: string; $metadata?: { httpStatusCode?: number } }) =>
      `${e.name} ${e.$metadata?.httpStatusCode}`,
  );

describe('fault proxy', () => {
  it('answers with the throttling errors each service really sends', async () => {
    const c = await clientsBehind(1, 1);
    expect(await errorOf(c.kinesis.send(new ListStreamsCommand({})))).toMatch(
      /^(ProvisionedThroughputExceededException|LimitExceededException) 400$/,
    );
    expect(await errorOf(c.dynamodb.send(new ListTablesCommand({})))).toMatch(
      /^(ThrottlingException|ProvisionedThroughputExceededException) 400$/,
    );
    expect(await errorOf(c.s3.send(new ListBucketsCommand({})))).toBe('SlowDown 503');
  });

  it('answers with 500s, and forwards untouched when the rate is 0', async () => {
    const failing = await clientsBehind(1, 0);
    expect(await errorOf(failing.kinesis.send(new ListStreamsCommand({})))).toBe('InternalFailure 500');
    expect(await errorOf(failing.s3.send(new ListBucketsCommand({})))).toBe('InternalError 500');
    const clean = await clientsBehind(0, 0);
    expect(await errorOf(clean.dynamodb.send(new ListTablesCommand({})))).toBeUndefined();
    expect(await errorOf(clean.s3.send(new ListBucketsCommand({})))).toBeUndefined();
  });
});
