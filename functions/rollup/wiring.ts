import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDynamoGlobalSink, createDynamoRollupSource } from '../../shared/adapters/rollup-store.ts';
import type { SecretResolver } from '../../shared/adapters/secrets.ts';
import type { SluiceConfig } from '../../shared/config/load.ts';
import type { RollupDeps } from './app.ts';

export interface RollupTargets {
  regionalTable: string;
  globalTable: string;
}

/** The roll-up's stores on real AWS or on emulators (same code; the client decides). */
export function rollupStores(
  dynamodb: DynamoDBClient,
  region: string,
  t: RollupTargets,
): Pick<RollupDeps, 'regional' | 'global'> {
  return {
    regional: createDynamoRollupSource(dynamodb, t.regionalTable, region),
    global: createDynamoGlobalSink(dynamodb, t.globalTable),
  };
}

/** HMAC keys of the tenants this region serves (their `mask.hmacKey`), resolved once at cold start. */
export async function resolveRollupKeys(
  config: SluiceConfig,
  region: string,
  secrets: SecretResolver,
): Promise<Record<string, Uint8Array>> {
  const keys: Record<string, Uint8Array> = {};
  for (const t of config.tenants) {
    const ref = t.pipeline.mask.hmacKey;
    if (t.homeRegion !== region || !ref) continue;
    keys[t.id] = new TextEncoder().encode(await secrets.resolve(ref));
  }
  return keys;
}
