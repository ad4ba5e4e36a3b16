import { Duration } from 'aws-cdk-lib';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

export interface RecordStreamProps {
  /** Stream name from `regionResources(config, region).streamName`. */
  readonly streamName: string;
  /** Customer-managed key that encrypts the records at rest. */
  readonly key: kms.IKey;
  /** `onDemand` scales by itself (starts at 4 MB/s write); `provisioned` needs `shards` sized for peak. */
  readonly mode: 'onDemand' | 'provisioned';
  /** Shard count; used only in provisioned mode (1 MB/s or 1,000 records/s of writes per shard). */
  readonly shards: number;
  /** How long records stay readable; bounds how late a failed batch can still be parked by redrive. */
  readonly retentionHours: number;
}

/** The regional Kinesis stream between the ingest function and the processor, KMS-encrypted. */
export class RecordStream extends Construct {
  readonly stream: kinesis.Stream;

  constructor(scope: Construct, id: string, props: RecordStreamProps) {
    super(scope, id);
    const provisioned = props.mode === 'provisioned';
    this.stream = new kinesis.Stream(this, 'Stream', {
      streamName: props.streamName,
      encryption: kinesis.StreamEncryption.KMS,
      encryptionKey: props.key,
      streamMode: provisioned ? kinesis.StreamMode.PROVISIONED : kinesis.StreamMode.ON_DEMAND,
      ...(provisioned ? { shardCount: props.shards } : {}),
      retentionPeriod: Duration.hours(props.retentionHours),
    });
  }
}
