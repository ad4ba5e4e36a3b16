import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEV_KEY_ID, devSecrets, overlayDevSecrets } from '../../local/dev-config.ts';
import { loadConfig } from '../../shared/config/load.ts';
import { LOCAL_HMAC_ENV } from '../../shared/local/state.ts';

describe('development credentials of the local stack', () => {
  const config = loadConfig('config/example.yaml');

  it('generates a key per tenant of the served region and reuses earlier ones', () => {
    const first = devSecrets(config, 'eu');
    expect(Object.keys(first.keys)).toEqual(['acme']);
    expect(first.keys['acme']).toMatch(/^sluice_dev_acme_[\w-]{32}$/);
    expect(devSecrets(config, 'eu', first)).toEqual(first);
    expect(devSecrets(config, 'eu').keys['acme']).not.toBe(first.keys['acme']);
  });

  it('overlays the sha256 of the dev key and drops keys only a cloud secret store could resolve', () => {
    const secrets = devSecrets(config, 'eu');
    const { config: local, env } = overlayDevSecrets(config, 'eu', secrets);
    const acme = local.tenants.find((t) => t.id === 'acme')!;
    expect(acme.keys).toContainEqual({
      id: DEV_KEY_ID,
      sha256: createHash('sha256').update(secrets.keys['acme']!).digest('hex'),
    });
    expect(acme.keys.some((k) => 'secret' in k)).toBe(false);
    // The example config keeps acme's HMAC key in Secrets Manager: locally it comes from SLUICE_LOCAL_HMAC_KEY.
    expect(config.tenants.find((t) => t.id === 'acme')!.pipeline.mask.hmacKey).toHaveProperty('secretArn');
    expect(acme.pipeline.mask.hmacKey).toEqual({ env: LOCAL_HMAC_ENV });
    expect(env[LOCAL_HMAC_ENV]).toBeTruthy();
    expect(LOCAL_HMAC_ENV).toBe('SLUICE_LOCAL_HMAC_KEY');
  });
});
