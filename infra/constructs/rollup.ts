import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Construct } from 'constructs';
import type { SecretRef } from '../../shared/config/schema.ts';
import { AGGREGATE_TABLE_KEYS } from '../../shared/resources.ts';
import { addStatements, secretReadStatements } from '../secret-refs.ts';
import { grantKeyUse } from './grants.ts';
import { type FunctionSettings, SluiceFunction } from './sluice-function.ts';

export interface RollupProps {
  readonly functions: FunctionSettings;
  /** The region's data key: encrypts the regional table (it holds pattern examples, i.e. masked record text). */
  readonly key: kms.IKey;
  /** `regionResources(...).regionalTableName`. */
  readonly regionalTableName: string;
  /** The global aggregate table; the roll-up may write only this region's items (`<region>#…`). */
  readonly globalTableName: string;
  readonly region: string;
  /** HMAC key secrets named in the config: dimension values are hashed with the tenant's key. */
  readonly secrets: readonly SecretRef[];
}

/** What the roll-up does on the global table: versioned overwrites only (shared/adapters/rollup-store.ts). */
export const ROLLUP_GLOBAL_ACTIONS = ['dynamodb:PutItem'] as const;
/** On the regional table: read a window's items and the dirty marks, delete a mark once published. */
export const ROLLUP_REGIONAL_ACTIONS = ['dynamodb:Query', 'dynamodb:DeleteItem'] as const;

/**
 * The regional tier (docs/residency.md): a regional, never-replicated table holding the processor's working state
 * (bucket items, high-water marks, examples, distinct-message sketches, dirty marks), and the roll-up function that
 * turns dirty windows into safe totals in the global table. Triggered by the table's stream (only dirty marks pass
 * the filter, so it runs seconds after a batch) and every minute as a backstop (a failed drain leaves the marks).
 */
export class Rollup extends Construct {
  readonly table: dynamodb.Table;
  readonly function: SluiceFunction;

  constructor(scope: Construct, id: string, props: RollupProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.table = new dynamodb.Table(this, 'AggregateState', {
      tableName: props.regionalTableName,
      partitionKey: { name: AGGREGATE_TABLE_KEYS.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: AGGREGATE_TABLE_KEYS.sortKey, type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: AGGREGATE_TABLE_KEYS.ttlAttribute,
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: props.key,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      stream: dynamodb.StreamViewType.KEYS_ONLY,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.function = new SluiceFunction(this, 'Rollup', {
      ...props.functions,
      name: 'rollup',
      memoryMb: 512,
      timeout: Duration.minutes(2),
      description: `sluice aggregate roll-up (${props.region} → global table)`,
    });
    this.function.fn.addEnvironment('REGIONAL_TABLE_NAME', props.regionalTableName);
    const role = this.function.role;
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [...ROLLUP_REGIONAL_ACTIONS],
        resources: [
          stack.formatArn({ service: 'dynamodb', resource: 'table', resourceName: props.regionalTableName }),
        ],
      }),
    );
    // The global table's replica in this AWS region, only items keyed `<region>#…`.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [...ROLLUP_GLOBAL_ACTIONS],
        resources: [
          stack.formatArn({ service: 'dynamodb', resource: 'table', resourceName: props.globalTableName }),
        ],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${props.region}#*`] } },
      }),
    );
    grantKeyUse(role, props.key);
    addStatements(role, secretReadStatements(stack, props.secrets));

    this.function.fn.addEventSource(
      new DynamoEventSource(this.table, {
        startingPosition: lambda.StartingPosition.LATEST,
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(2),
        retryAttempts: 2,
        // Only dirty marks wake the roll-up; the event is a wake-up call, the marks themselves are read by Query.
        filters: [
          lambda.FilterCriteria.filter({
            dynamodb: {
              Keys: { [AGGREGATE_TABLE_KEYS.partitionKey]: { S: lambda.FilterRule.beginsWith('dirty#') } },
            },
          }),
        ],
      }),
    );
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'dynamodb:ListStreams has no resource-level permissions: the DynamoDB stream event source mapping needs it on *.',
    });
    new events.Rule(this, 'Backstop', {
      schedule: events.Schedule.rate(Duration.minutes(1)),
      description: `sluice roll-up backstop (${props.region}): drains dirty windows a failed run left`,
      targets: [new targets.LambdaFunction(this.function.fn, { retryAttempts: 0 })],
    });
  }
}
