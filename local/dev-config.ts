import { createHash, randomBytes } from 'node:crypto';
import type { SluiceConfig, Tenant } from '../shared/config/load.ts';
import type { SecretRef } from '../shared/config/schema.ts';
import { LOCAL_HMAC_ENV } from '../shared/local/state.ts';

/** Development credentials of a local stack, kept in `.sluice/local.json` so restarts reuse them. */
export interface DevSecrets {
  /** Plaintext ingestion key per tenant of the served region. */
  keys: Record<string, string>;
  hmacKey: string;
}

export const DEV_KEY_ID = 'local-dev';

const newKey = (prefix: string) => `${prefix}_${randomBytes(24).toString('base64url')}`;

/** Reuses the previous run's keys (when given) and generates what is missing. */
export function devSecrets(config: SluiceConfig, region: string, previous?: Partial<DevSecrets>): DevSecrets {
  const keys: Record<string, string> = {};
  for (const t of config.tenants.filter((t) => t.homeRegion === region)) {
    keys[t.id] = previous?.keys?.[t.id] ?? newKey(`sluice_dev_${t.id}`);
  }
  return { keys, hmacKey: previous?.hmacKey ?? randomBytes(32).toString('base64url') };
}

/**
 * The config the local stack runs with: the file's, plus a development key (its sha256, as in a real config) for
 * each tenant `secrets` has a key for (the served region's; all of them in a multi-region stack). Keys stored in
 * Secrets Manager or SSM cannot be read without AWS, so they are left out; sha256 keys keep working. HMAC keys
 * referencing a cloud secret are read from `LOCAL_HMAC_ENV` instead.
 * Returns the overlay and the environment the functions need (HMAC key variables).
 */
export function overlayDevSecrets(
  config: SluiceConfig,
  _region: string,
  secrets: DevSecrets,
): { config: SluiceConfig; env: Record<string, string> } {
  const env: Record<string, string> = {};
  const localRef = (ref: SecretRef | undefined): SecretRef | undefined => {
    if (!ref) return ref;
    const name = 'env' in ref ? ref.env : LOCAL_HMAC_ENV;
    env[name] = process.env[name] ?? secrets.hmacKey;
    return { env: name };
  };
  const tenants: Tenant[] = config.tenants.map((t) => {
    const keys: Tenant['keys'] = t.keys.filter((k) => 'sha256' in k);
    // Tenants of other regions get their key too when `secrets` has it (the multi-region stack): their posts are
    // then refused as from the wrong region (403 naming the home region), not as an unknown key.
    const dev = secrets.keys[t.id];
    if (dev) keys.push({ id: DEV_KEY_ID, sha256: createHash('sha256').update(dev).digest('hex') });
    const hmacKey = localRef(t.pipeline.mask.hmacKey);
    return {
      ...t,
      keys,
      pipeline: { ...t.pipeline, mask: { ...t.pipeline.mask, ...(hmacKey && { hmacKey }) } },
    };
  });
  return { config: { ...config, tenants }, env };
}
