import { createDynamoAggregateStore } from '../../shared/adapters/aggregate-store.ts';
import { createSqsAlertQueue } from '../../shared/adapters/alert-queue.ts';
import type { Clients } from '../../shared/adapters/clients.ts';
import { createFailureStore } from '../../shared/adapters/failure-store.ts';
import { createS3ObjectStore } from '../../shared/adapters/object-store.ts';
import { createDynamoDirtyWindows } from '../../shared/adapters/rollup-store.ts';
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
