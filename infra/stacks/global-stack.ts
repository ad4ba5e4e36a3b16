import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { AGGREGATE_TABLE_KEYS } from '../../shared/resources.ts';

export interface GlobalStackProps extends StackProps {
  /** Table name from `globalResources(config).tableName`; identical in every replica region. */
  readonly tableName: string;
  /** AWS regions of every residency region; the stack's own region holds the primary replica. */
  readonly replicaAwsRegions: readonly string[];
}

/**
 * The aggregate table: a DynamoDB global table with a replica in every residency region. It holds only
 * non-personal aggregates (every replica holds every item), each region writing only items keyed `<region>#…`.
 */
export class GlobalStack extends Stack {
  readonly table: dynamodb.TableV2;

  constructor(scope: Construct, id: string, props: GlobalStackProps) {
    super(scope, id, props);
    const home = this.region;
    this.table = new dynamodb.TableV2(this, 'Aggregates', {
      tableName: props.tableName,
      partitionKey: { name: AGGREGATE_TABLE_KEYS.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: AGGREGATE_TABLE_KEYS.sortKey, type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: AGGREGATE_TABLE_KEYS.ttlAttribute,
      billing: dynamodb.Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      replicas: props.replicaAwsRegions.filter((r) => r !== home).map((region) => ({ region })),
    });
    new CfnOutput(this, 'TableName', { value: props.tableName });
  }
}
