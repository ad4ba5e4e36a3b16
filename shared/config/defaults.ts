import { parseConfig, type SluiceConfig } from './load.ts';

/**
 * The configuration used when none is given (`sluice process` without `--config`): every detector on with typed
 * placeholders, nothing dropped, one local region and one `default` tenant. It has no ingestion key, so it cannot
 * serve an endpoint.
 */
export function builtinConfig(): SluiceConfig {
  return parseConfig(
    {
      version: 1,
      regions: { local: { awsRegion: 'us-east-1' } },
      tenants: [{ id: 'default', homeRegion: 'local', keys: [{ id: 'none', sha256: '0'.repeat(64) }] }],
    },
    'built-in defaults',
  );
}
