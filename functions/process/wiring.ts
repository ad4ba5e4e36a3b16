import { createDynamoAggregateStore } from '../../shared/adapters/aggregate-store.ts';
import { createSqsAlertQueue } from '../../shared/adapters/alert-queue.ts';
import type { Clients } from '../../shared/adapters/clients.ts';
import { createFailureStore } from '../../shared/adapters/failure-store.ts';
import { createS3ObjectStore } from '../../shared/adapters/object-store.ts';
import { createDynamoDirtyWindows } from '../../shared/adapters/rollup-store.ts';
import type { SecretResolver } from '../../shared/adapters/secrets.ts';
import type { SluiceConfig } from '../../shared/config/load.ts';
import type { ProcessDeps } from './app.ts';

export interface AwsTargets {
  bucket: string;
  /** The regional aggregate table: the processor never writes the global one. */
  regionalTable: string;
  failureQueueUrl: string;
}

/** The stores of the processor on real AWS or on emulators (same code; the clients decide). */
export function awsStores(
  clients: Pick<Clients, 's3' | 'dynamodb' | 'sqs'>,
  targets: AwsTargets,
  region: string,
): Pick<ProcessDeps, 'objects' | 'aggregates' | 'windows' | 'failures' | 'alerts'> {
  const objects = createS3ObjectStore(clients.s3, targets.bucket);
  return {
    objects,
    aggregates: createDynamoAggregateStore(clients.dynamodb, targets.regionalTable),
    windows: createDynamoDirtyWindows(clients.dynamodb, targets.regionalTable, region),
    failures: createFailureStore(objects),
    alerts: createSqsAlertQueue(clients.sqs, targets.failureQueueUrl),
  };
}

/** HMAC keys of the tenants this region serves, resolved once at cold start. */
export async function resolveHmacKeys(
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
