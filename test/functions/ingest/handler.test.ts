import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { apiEvent, bearer, KEYS } from '../../helpers/ingest.ts';

/** The deployed entry point: cold start from env (config file, region, stream), middy wrapper, key store. */
describe('functions/ingest/handler', () => {
  it('starts from SLUICE_CONFIG_PATH / SLUICE_REGION / STREAM_NAME and serves requests', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-handler-'));
    const config = join(dir, 'sluice.yaml');
    writeFileSync(
      config,
      [
        'version: 1',
        'regions:',
        '  eu: { awsRegion: eu-west-1 }',
        '  us: { awsRegion: us-east-1 }',
        'tenants:',
        '  - id: acme',
        '    homeRegion: eu',
        '    keys: [{ id: k, secret: { env: HANDLER_TEST_KEY } }]',
        '  - id: globex',
        '    homeRegion: us',
        '    keys: [{ id: g, secret: { env: HANDLER_TEST_GLOBEX } }]',
      ].join('\n'),
    );
    Object.assign(process.env, {
      SLUICE_CONFIG_PATH: config,
      SLUICE_REGION: 'eu',
      STREAM_NAME: 'sluice-eu-records',
      HANDLER_TEST_KEY: KEYS.acme,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    });
    // HANDLER_TEST_GLOBEX is unset: another region's unreadable secret only warns.
    const { handler } = await import('../../../functions/ingest/handler.ts');
    const context = {
      functionName: 'ingest',
      awsRequestId: 'r1',
      getRemainingTimeInMillis: () => 30_000,
    } as unknown as Context;

    const health = await handler(apiEvent('GET', '/health'), context);
    expect(health).toMatchObject({ statusCode: 200, body: '{"status":"ok","region":"eu"}' });
    const refused = await handler(
      apiEvent('POST', '/ingest', { headers: bearer('wrong'), body: 'x' }),
      context,
    );
    expect(refused).toMatchObject({ statusCode: 401 });
    // The key from the env secret is known: an empty body gets past auth to the 400 that names it.
    const empty = await handler(
      apiEvent('POST', '/ingest', { headers: bearer(KEYS.acme), body: ' ' }),
      context,
    );
    expect(empty).toMatchObject({ statusCode: 400, body: expect.stringContaining('empty') });
  });
});
