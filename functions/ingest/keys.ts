import type { SecretResolver } from '../../shared/adapters/secrets.ts';
import type { SluiceConfig } from '../../shared/config/load.ts';
import { createKeyStore, type KeyEntry, type KeyStore, sha256 } from '../../shared/ingest/auth.ts';

export interface KeyStoreWarning {
  tenant: string;
  keyId: string;
  error: Error;
}

/**
 * Every tenant's keys, this region's and the others' (so a key of another region's tenant gets the 403 that names
 * its endpoint rather than a bare 401). Keys stored as `{secret}` are fetched and hashed once, here, at cold start.
 * A secret of this region's tenant that cannot be read fails the start; one of another region's tenant only warns
 * (that tenant then gets 401 here instead of 403).
 */
export async function buildKeyStore(
  config: SluiceConfig,
  region: string,
  secrets: SecretResolver,
  onWarning: (w: KeyStoreWarning) => void = () => {},
): Promise<KeyStore> {
  const entries = await Promise.all(
    config.tenants.flatMap((tenant) =>
      tenant.keys.map(async (key): Promise<KeyEntry | undefined> => {
        if ('sha256' in key) {
          return { tenant: tenant.id, keyId: key.id, sha256: Buffer.from(key.sha256, 'hex') };
        }
        try {
          const plaintext = await secrets.resolve(key.secret);
          return { tenant: tenant.id, keyId: key.id, sha256: sha256(plaintext.trim()) };
        } catch (error) {
          if (tenant.homeRegion === region) throw error;
          onWarning({ tenant: tenant.id, keyId: key.id, error: error as Error });
          return undefined;
        }
      }),
    ),
  );
  return createKeyStore(entries.filter((e): e is KeyEntry => e !== undefined));
}
