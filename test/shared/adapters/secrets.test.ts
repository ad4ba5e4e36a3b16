import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretResolver, SecretResolutionError } from '../../../shared/adapters/secrets.ts';

/**
 * No emulator speaks Secrets Manager or SSM here, so a minimal JSON-protocol endpoint stands in for both: the
 * real SDK clients sign and send real requests to it (X-Amz-Target GetSecretValue / GetParameter).
 */
const SECRETS: Record<string, string> = { 'arn:aws:secretsmanager:eu-west-1:1:secret:k': 'sm-value' };
const PARAMS: Record<string, string> = { '/sluice/key': 'ssm-value' };
const calls: string[] = [];
let server: Server;
let endpoint: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      const target = String(req.headers['x-amz-target']);
      const doc = JSON.parse(body) as { SecretId?: string; Name?: string; WithDecryption?: boolean };
      calls.push(`${target}:${doc.SecretId ?? doc.Name}`);
      res.setHeader('content-type', 'application/x-amz-json-1.1');
      if (target === 'secretsmanager.GetSecretValue' && doc.SecretId && SECRETS[doc.SecretId]) {
        return res.end(JSON.stringify({ ARN: doc.SecretId, SecretString: SECRETS[doc.SecretId] }));
      }
      if (target === 'AmazonSSM.GetParameter' && doc.Name && PARAMS[doc.Name] && doc.WithDecryption) {
        return res.end(JSON.stringify({ Parameter: { Name: doc.Name, Value: PARAMS[doc.Name] } }));
      }
      res.statusCode = 400;
      res.end(JSON.stringify({ __type: 'ResourceNotFoundException', message: 'not found' }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server?.close();
  server?.closeAllConnections();
});

function resolver(env: Record<string, string> = {}) {
  const base = {
    endpoint,
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    requestHandler: new NodeHttpHandler(),
    maxAttempts: 1,
  };
  const regions: string[] = [];
  const r = createSecretResolver({
    secretsManager: (region) => {
      regions.push(region);
      return new SecretsManagerClient({ ...base, region });
    },
    ssm: new SSMClient({ ...base, region: 'eu-west-1' }),
    env,
  });
  return { r, regions };
}

describe('secret resolver', () => {
  it('resolves Secrets Manager (client of the ARN region), SSM (decrypted) and env references', async () => {
    const { r, regions } = resolver({ KEY_VAR: 'env-value' });
    expect(await r.resolve({ secretArn: 'arn:aws:secretsmanager:eu-west-1:1:secret:k' })).toBe('sm-value');
    expect(regions).toEqual(['eu-west-1']);
    expect(await r.resolve({ ssmParameter: '/sluice/key' })).toBe('ssm-value');
    expect(await r.resolve({ env: 'KEY_VAR' })).toBe('env-value');
  });

  it('fetches each reference once, also under concurrent calls', async () => {
    const { r } = resolver();
    calls.length = 0;
    const ref = { ssmParameter: '/sluice/key' };
    await Promise.all([r.resolve(ref), r.resolve(ref), r.resolve(ref)]);
    await r.resolve(ref);
    expect(calls).toEqual(['AmazonSSM.GetParameter:/sluice/key']);
  });

  it('fails with an error naming the reference (never a value), and does not cache the failure', async () => {
    const { r } = resolver();
    calls.length = 0;
    const ref = { ssmParameter: '/sluice/missing' };
    const err = await r.resolve(ref).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SecretResolutionError);
    expect((err as Error).message).toBe(
      'cannot resolve secret ssm:/sluice/missing: ResourceNotFoundException',
    );
    await r.resolve(ref).catch(() => {});
    expect(calls).toHaveLength(2);
    await expect(r.resolve({ env: 'UNSET_VAR' })).rejects.toThrow(/env:UNSET_VAR: the variable is not set/);
  });
});
