import { createSqsAlertQueue } from '../../shared/adapters/alert-queue.ts';
import type { Clients } from '../../shared/adapters/clients.ts';
import { createFailureStore } from '../../shared/adapters/failure-store.ts';
import { createKinesisProducer } from '../../shared/adapters/kinesis-producer.ts';
import { createS3ObjectStore } from '../../shared/adapters/object-store.ts';
import { createKinesisStreamReader } from '../../shared/adapters/stream-reader.ts';
import type { RedriveDeps } from './app.ts';

export interface RedriveTargets {
  stream: string;
  bucket: string;
  failureQueueUrl: string;
}

/** Redrive's stores on AWS or on emulators (the clients decide); used by the handler and `sluice redrive`. */
export function awsRedriveStores(
  clients: Pick<Clients, 'kinesis' | 's3' | 'sqs'>,
  targets: RedriveTargets,
): Pick<RedriveDeps, 'failures' | 'alerts' | 'reader' | 'sink'> {
  return {
    failures: createFailureStore(createS3ObjectStore(clients.s3, targets.bucket)),
    alerts: createSqsAlertQueue(clients.sqs, targets.failureQueueUrl),
    reader: createKinesisStreamReader({ client: clients.kinesis, streamName: targets.stream }),
    sink: createKinesisProducer({ client: clients.kinesis, streamName: targets.stream }),
  };
}
