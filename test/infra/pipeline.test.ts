import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { INGEST_ROUTES } from '../../infra/constructs/ingest-endpoint.ts';
import { regionResources } from '../../shared/resources.ts';
import {
  allows,
  roleStatements,
  type SynthesizedSluice,
  synthesizeSluice,
  TWO_REGIONS_CONFIG,
} from '../helpers/infra.ts';

// One synthesis for the whole file (~5 s): every assertion reads the same templates.
let s: SynthesizedSluice;
beforeAll(() => {
  s = synthesizeSluice(TWO_REGIONS_CONFIG);
}, 120_000);

const ACCOUNT = '123456789012';
const EU_BUCKET = `arn:aws:s3:::acmelogs-eu-${ACCOUNT}-eu-central-1`;
const US_BUCKET = `arn:aws:s3:::acmelogs-us-${ACCOUNT}-us-west-2`;
const EU_TABLE = `arn:aws:dynamodb:eu-central-1:${ACCOUNT}:table/acmelogs-aggregates`;
/** The regional (never replicated) aggregate tables: the processors' working state. */
const EU_STATE = `arn:aws:dynamodb:eu-central-1:${ACCOUNT}:table/acmelogs-eu-aggregate-state`;
const US_STATE = `arn:aws:dynamodb:us-west-2:${ACCOUNT}:table/acmelogs-us-aggregate-state`;
const US_TABLE = `arn:aws:dynamodb:us-west-2:${ACCOUNT}:table/acmelogs-aggregates`;

function logicalIdOf(region: string, type: string, props: Record<string, unknown>): string {
  const found = Object.keys(s.pipeline(region).findResources(type, { Properties: Match.objectLike(props) }));
  expect(found, `${type} ${JSON.stringify(props)} in ${region}`).toHaveLength(1);
  return found[0]!;
}

describe('stacks from the config', () => {
  it('names one global stack and one pipeline stack per residency region, in the configured account and regions', () => {
    expect(s.stacks.global.stackName).toBe('acmelogs-global');
    expect(s.stacks.global.region).toBe('eu-central-1');
    expect([...s.stacks.pipelines.keys()]).toEqual(['eu', 'us']);
    for (const [region, stack] of s.stacks.pipelines) {
      const names = regionResources(s.config, region);
      expect(stack.stackName).toBe(names.stackName);
      expect(stack.region).toBe(names.awsRegion);
      expect(stack.account).toBe(ACCOUNT);
      expect(stack.dependencies).toContain(s.stacks.global);
    }
  });
});

describe('processor event source mapping', () => {
  it.each([
    [
      'eu',
      {
        BatchSize: 1000,
        MaximumBatchingWindowInSeconds: 10,
        MaximumRetryAttempts: 3,
        MaximumRecordAgeInSeconds: 7200,
      },
    ],
    [
      'us',
      {
        BatchSize: 200,
        MaximumBatchingWindowInSeconds: 1,
        MaximumRetryAttempts: 5,
        MaximumRecordAgeInSeconds: 3600,
      },
    ],
  ])(
    '%s: bisects, retries a bounded number of times, bounds record age, reports item failures',
    (region, fromConfig) => {
      const t = s.pipeline(region);
      const esmQueue = logicalIdOf(region, 'AWS::SQS::Queue', {
        QueueName: regionResources(s.config, region).esmFailureQueueName,
      });
      const stream = logicalIdOf(region, 'AWS::Kinesis::Stream', {});
      t.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: { 'Fn::GetAtt': [stream, 'Arn'] },
        ...fromConfig,
        BisectBatchOnFunctionError: true,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ParallelizationFactor: 1,
        StartingPosition: 'TRIM_HORIZON',
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [esmQueue, 'Arn'] } } },
      });
    },
  );

  it('the redrive function consumes the on-failure queue', () => {
    const esmQueue = logicalIdOf('eu', 'AWS::SQS::Queue', { QueueName: 'acmelogs-eu-esm-failures' });
    const mapping = s.pipeline('eu').findResources('AWS::Lambda::EventSourceMapping', {
      Properties: { EventSourceArn: { 'Fn::GetAtt': [esmQueue, 'Arn'] } },
    });
    const [only] = Object.values(mapping);
    expect(only?.['Properties']['FunctionName']['Ref']).toMatch(/^Redrive/);
  });
});

describe('encryption and transport', () => {
  it.each(['eu', 'us'])(
    "%s: stream, bucket and every queue use the region's customer-managed key",
    (region) => {
      const t = s.pipeline(region);
      const key = logicalIdOf(region, 'AWS::KMS::Key', { EnableKeyRotation: true });
      const keyArn = { 'Fn::GetAtt': [key, 'Arn'] };
      t.hasResourceProperties('AWS::Kinesis::Stream', {
        StreamEncryption: { EncryptionType: 'KMS', KeyId: keyArn },
      });
      t.hasResourceProperties('AWS::S3::Bucket', {
        BucketName: regionResources(s.config, region).bucketName,
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            {
              ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyArn },
              BucketKeyEnabled: true,
            },
          ],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        ReplicationConfiguration: Match.absent(),
        LoggingConfiguration: Match.objectLike({ DestinationBucketName: Match.anyValue() }),
      });
      const queues = t.findResources('AWS::SQS::Queue');
      expect(Object.keys(queues)).toHaveLength(4);
      for (const q of Object.values(queues)) expect(q['Properties']['KmsMasterKeyId']).toEqual(keyArn);
      t.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: keyArn });
    },
  );

  it('the alert queue and the on-failure queue each have their own dead-letter queue', () => {
    for (const [queue, dlq] of [
      ['acmelogs-eu-failures', 'acmelogs-eu-failures-dlq'],
      ['acmelogs-eu-esm-failures', 'acmelogs-eu-esm-failures-dlq'],
    ] as const) {
      const dlqId = logicalIdOf('eu', 'AWS::SQS::Queue', { QueueName: dlq });
      s.pipeline('eu').hasResourceProperties('AWS::SQS::Queue', {
        QueueName: queue,
        RedrivePolicy: {
          deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] },
          maxReceiveCount: Match.anyValue(),
        },
      });
    }
  });

  it('every bucket and queue refuses requests without TLS', () => {
    const t = s.pipeline('eu');
    const denyInsecure = Match.objectLike({
      Effect: 'Deny',
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
    const buckets = Object.keys(t.findResources('AWS::S3::Bucket'));
    expect(buckets).toHaveLength(2);
    for (const b of buckets) {
      t.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: b },
        PolicyDocument: { Statement: Match.arrayWith([denyInsecure]) },
      });
    }
    const queuePolicies = Object.values(t.findResources('AWS::SQS::QueuePolicy'));
    expect(queuePolicies).toHaveLength(4);
    for (const p of queuePolicies) {
      expect(p['Properties']['PolicyDocument']['Statement']).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      );
    }
  });

  it('stream capacity follows the config: on-demand in eu, 4 provisioned shards in us', () => {
    s.pipeline('eu').hasResourceProperties('AWS::Kinesis::Stream', {
      StreamModeDetails: { StreamMode: 'ON_DEMAND' },
      RetentionPeriodHours: 48,
    });
    s.pipeline('us').hasResourceProperties('AWS::Kinesis::Stream', {
      StreamModeDetails: { StreamMode: 'PROVISIONED' },
      ShardCount: 4,
    });
  });

  it('the bucket lifecycle follows the config', () => {
    s.pipeline('us').hasResourceProperties('AWS::S3::Bucket', {
      BucketName: regionResources(s.config, 'us').bucketName,
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({
            ExpirationInDays: 365,
            Transitions: [{ StorageClass: 'STANDARD_IA', TransitionInDays: 60 }],
          }),
        ]),
      },
    });
  });
});

describe('global aggregate table', () => {
  it('replicates to every residency region with PITR and deletion protection on each replica, TTL on expiresAt', () => {
    s.global.resourceCountIs('AWS::DynamoDB::GlobalTable', 1);
    const replica = (region: string) =>
      expect.objectContaining({
        Region: region,
        DeletionProtectionEnabled: true,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      });
    s.global.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      TableName: 'acmelogs-aggregates',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
    const [table] = Object.values(s.global.findResources('AWS::DynamoDB::GlobalTable'));
    const replicas = table?.['Properties']['Replicas'] as Array<{ Region: string }>;
    expect(replicas.map((r) => r.Region).sort()).toEqual(['eu-central-1', 'us-west-2']);
    for (const r of replicas) expect(r).toEqual(replica(r.Region));
    s.global.hasResource('AWS::DynamoDB::GlobalTable', { DeletionPolicy: 'Retain' });
  });
});

describe('least privilege', () => {
  it("a processor writes only its own region's items of its regional table, never the global table", () => {
    const t = s.pipeline('eu');
    const processor = roleStatements(t, 'ProcessorProcessRole');
    const item = (pk: string) => ({ 'dynamodb:LeadingKeys': [pk] });
    expect(allows(t, processor, 'dynamodb:UpdateItem', EU_STATE, item('eu#bank#checkout'))).toBe(true);
    expect(allows(t, processor, 'dynamodb:UpdateItem', EU_STATE, item('dirty#eu'))).toBe(true);
    expect(allows(t, processor, 'dynamodb:UpdateItem', EU_STATE, item('us#retailer#web'))).toBe(false);
    expect(allows(t, processor, 'dynamodb:PutItem', EU_STATE, item('euro#x'))).toBe(false);
    expect(allows(t, processor, 'dynamodb:UpdateItem', US_STATE, item('eu#bank#checkout'))).toBe(false);
    expect(allows(t, processor, 'dynamodb:DeleteItem', EU_STATE, item('eu#bank#checkout'))).toBe(false);
    // Whole-item writes could replace an item's high-water marks: only guarded updates are allowed.
    expect(allows(t, processor, 'dynamodb:PutItem', EU_STATE, item('eu#bank#checkout'))).toBe(false);
    expect(allows(t, processor, 'dynamodb:BatchWriteItem', EU_STATE, item('eu#bank#checkout'))).toBe(false);
    expect(allows(t, processor, 'dynamodb:Scan', EU_STATE)).toBe(false);
    // The replicated table is the roll-up's alone (docs/residency.md).
    for (const action of [
      'dynamodb:UpdateItem',
      'dynamodb:PutItem',
      'dynamodb:BatchGetItem',
      'dynamodb:Query',
    ])
      expect(allows(t, processor, action, EU_TABLE, item('eu#bank#checkout'))).toBe(false);

    const usT = s.pipeline('us');
    const usProcessor = roleStatements(usT, 'ProcessorProcessRole');
    expect(allows(usT, usProcessor, 'dynamodb:UpdateItem', US_STATE, item('us#retailer#web'))).toBe(true);
    expect(allows(usT, usProcessor, 'dynamodb:UpdateItem', US_STATE, item('eu#bank#checkout'))).toBe(false);
  });

  it("the roll-up overwrites only its region's items of the global table and reads its regional table", () => {
    const t = s.pipeline('eu');
    const rollup = roleStatements(t, 'AggregatesRollupRole');
    const item = (pk: string) => ({ 'dynamodb:LeadingKeys': [pk] });
    expect(allows(t, rollup, 'dynamodb:PutItem', EU_TABLE, item('eu#bank#2026-01-01'))).toBe(true);
    expect(allows(t, rollup, 'dynamodb:PutItem', EU_TABLE, item('us#retailer#2026-01-01'))).toBe(false);
    expect(allows(t, rollup, 'dynamodb:PutItem', US_TABLE, item('eu#bank#2026-01-01'))).toBe(false);
    expect(allows(t, rollup, 'dynamodb:UpdateItem', EU_TABLE, item('eu#bank#2026-01-01'))).toBe(false);
    expect(allows(t, rollup, 'dynamodb:DeleteItem', EU_TABLE, item('eu#bank#2026-01-01'))).toBe(false);
    expect(allows(t, rollup, 'dynamodb:Query', EU_STATE)).toBe(true);
    expect(allows(t, rollup, 'dynamodb:DeleteItem', EU_STATE)).toBe(true);
    expect(allows(t, rollup, 'dynamodb:UpdateItem', EU_STATE)).toBe(false);
    expect(allows(t, rollup, 'dynamodb:PutItem', EU_STATE)).toBe(false);
    expect(allows(t, rollup, 'dynamodb:Query', US_STATE)).toBe(false);
  });

  it('the regional table never replicates, is encrypted with the region key, has PITR, TTL and a stream', () => {
    const t = s.pipeline('eu');
    t.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: 'acmelogs-eu-aggregate-state',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: Match.objectLike({ SSEEnabled: true, SSEType: 'KMS' }),
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      StreamSpecification: { StreamViewType: 'KEYS_ONLY' },
    });
    expect(Object.keys(t.findResources('AWS::DynamoDB::GlobalTable'))).toHaveLength(0);
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FilterCriteria: { Filters: [{ Pattern: Match.stringLikeRegexp('dirty#') }] },
    });
  });

  it("a processor writes only records/ and failed/ of its own region's bucket", () => {
    const t = s.pipeline('eu');
    const processor = roleStatements(t, 'ProcessorProcessRole');
    expect(
      allows(
        t,
        processor,
        's3:PutObject',
        `${EU_BUCKET}/records/tenant=bank/dt=2026-11-22/hour=10/a.json.gz`,
      ),
    ).toBe(true);
    expect(allows(t, processor, 's3:PutObject', `${EU_BUCKET}/failed/shard-1/x.json`)).toBe(true);
    expect(allows(t, processor, 's3:PutObject', `${EU_BUCKET}/elsewhere/x`)).toBe(false);
    expect(allows(t, processor, 's3:PutObject', `${US_BUCKET}/records/x`)).toBe(false);
    expect(allows(t, processor, 's3:DeleteObject', `${EU_BUCKET}/records/x`)).toBe(false);
    expect(allows(t, processor, 's3:GetObject', `${EU_BUCKET}/records/x`)).toBe(false);
  });

  it('the ingest function can only put records to its stream and read the ingestion-key secrets', () => {
    const t = s.pipeline('eu');
    const ingest = roleStatements(t, 'IngestRole');
    const actions = new Set(ingest.flatMap((st) => (Array.isArray(st.Action) ? st.Action : [st.Action])));
    expect([...actions].sort()).toEqual([
      'kinesis:PutRecord',
      'kinesis:PutRecords',
      'kms:GenerateDataKey',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'secretsmanager:GetSecretValue',
      'ssm:GetParameter',
    ]);
    const stream = logicalIdOf('eu', 'AWS::Kinesis::Stream', {});
    expect(allows(t, ingest, 'kinesis:PutRecords', `arn:aws:cfn:::${stream}`)).toBe(true);
    // Exactly the named secret (ARN without its random suffix in the config), not every secret with that prefix.
    const otel = 'arn:aws:secretsmanager:eu-central-1:123456789012:secret:acmelogs/bank-otel';
    expect(allows(t, ingest, 'secretsmanager:GetSecretValue', `${otel}-Ab12Cd`)).toBe(true);
    expect(allows(t, ingest, 'secretsmanager:GetSecretValue', `${otel}-admin-Ab12Cd`)).toBe(false);
    expect(
      allows(
        t,
        ingest,
        'ssm:GetParameter',
        'arn:aws:ssm:eu-central-1:123456789012:parameter/acmelogs/insurer-vector',
      ),
    ).toBe(true);
    // HMAC keys belong to the processor.
    expect(
      allows(
        t,
        ingest,
        'ssm:GetParameter',
        'arn:aws:ssm:eu-central-1:123456789012:parameter/acmelogs/hmac-key',
      ),
    ).toBe(false);
  });

  it("a processor reads only the HMAC keys of its own region's tenants", () => {
    const eu = s.pipeline('eu');
    const euProcessor = roleStatements(eu, 'ProcessorProcessRole');
    const insurerHmac =
      'arn:aws:secretsmanager:eu-central-1:123456789012:secret:acmelogs/insurer-hmac-AbC123';
    expect(allows(eu, euProcessor, 'secretsmanager:GetSecretValue', insurerHmac)).toBe(true);
    expect(
      allows(
        eu,
        euProcessor,
        'ssm:GetParameter',
        'arn:aws:ssm:eu-central-1:123456789012:parameter/acmelogs/hmac-key',
      ),
    ).toBe(true);
    // The SecureString's customer-managed key: decrypt through SSM or Secrets Manager only.
    const key = 'arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const via = (service: string) => ({ 'kms:ViaService': [`${service}.eu-central-1.amazonaws.com`] });
    expect(allows(eu, euProcessor, 'kms:Decrypt', key, via('ssm'))).toBe(true);
    expect(allows(eu, euProcessor, 'kms:Decrypt', key, via('s3'))).toBe(false);
    expect(allows(eu, euProcessor, 'kms:Decrypt', key)).toBe(false);
    const us = s.pipeline('us');
    const usActions = roleStatements(us, 'ProcessorProcessRole').flatMap((st) => st.Action);
    expect(usActions).not.toContain('secretsmanager:GetSecretValue');
    expect(usActions).not.toContain('ssm:GetParameter');
  });

  it('redrive reads and writes only the failure store of its own bucket', () => {
    const t = s.pipeline('eu');
    const redrive = roleStatements(t, 'RedriveRole');
    expect(allows(t, redrive, 's3:GetObject', `${EU_BUCKET}/failed/x`)).toBe(true);
    expect(allows(t, redrive, 's3:GetObject', `${EU_BUCKET}/records/x`)).toBe(false);
    expect(allows(t, redrive, 's3:ListBucket', EU_BUCKET, { 's3:prefix': ['failed/2026-11-22/'] })).toBe(
      true,
    );
    expect(allows(t, redrive, 's3:ListBucket', EU_BUCKET, { 's3:prefix': ['records/'] })).toBe(false);
    expect(allows(t, redrive, 's3:DeleteObject', `${EU_BUCKET}/failed/x`)).toBe(true);
    expect(allows(t, redrive, 's3:DeleteObject', `${EU_BUCKET}/records/x`)).toBe(false);
    expect(allows(t, redrive, 's3:PutObject', `${US_BUCKET}/failed/x`)).toBe(false);
  });

  it('no secret value or key material is put in a function environment', () => {
    const fns = s.pipeline('eu').findResources('AWS::Lambda::Function');
    expect(Object.keys(fns)).toHaveLength(4);
    for (const fn of Object.values(fns)) {
      const env = fn['Properties']['Environment']['Variables'] as Record<string, unknown>;
      delete env['REGIONAL_TABLE_NAME'];
      expect(Object.keys(env).sort()).toEqual([
        'BUCKET_NAME',
        'FAILURE_QUEUE_URL',
        'NODE_OPTIONS',
        'POWERTOOLS_METRICS_NAMESPACE',
        'POWERTOOLS_SERVICE_NAME',
        'SLUICE_CONFIG_PATH',
        'SLUICE_REGION',
        'STREAM_NAME',
        'TABLE_NAME',
      ]);
    }
  });
});

describe('functions', () => {
  it('run nodejs22.x on ARM64 with an explicit log group that has a retention', () => {
    const t = s.pipeline('us');
    const fns = Object.values(t.findResources('AWS::Lambda::Function'));
    for (const fn of fns) {
      expect(fn['Properties']).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'] });
      const logGroup = fn['Properties']['LoggingConfig']['LogGroup']['Ref'] as string;
      expect(t.toJSON()['Resources'][logGroup]['Properties']['RetentionInDays']).toBeGreaterThan(0);
    }
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ SLUICE_REGION: 'us', POWERTOOLS_METRICS_NAMESPACE: 'Sluice' }),
      },
    });
  });

  it('the processor gets the configured memory', () => {
    s.pipeline('eu').hasResourceProperties('AWS::Lambda::Function', {
      MemorySize: 2048,
      Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'sluice-process' }) },
    });
  });
});

describe('ingestion endpoint', () => {
  it('routes every protocol path to the ingest function', () => {
    const t = s.pipeline('eu');
    const keys = Object.values(t.findResources('AWS::ApiGatewayV2::Route')).map(
      (r) => r['Properties']['RouteKey'],
    );
    expect(keys.sort()).toEqual(INGEST_ROUTES.map(([m, p]) => `${m} ${p}`).sort());
    expect(keys).toContain('POST /{index}/_bulk');
    expect(keys).toContain('HEAD /');
  });

  it('throttles the stage per config and logs access without headers or bodies', () => {
    s.pipeline('eu').hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingRateLimit: 500, ThrottlingBurstLimit: 800 },
      AccessLogSettings: { Format: Match.not(Match.stringLikeRegexp('header|body|authorization')) },
    });
    s.pipeline('us').hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 1000, ThrottlingBurstLimit: 2000 },
    });
  });

  it('serves the custom domain where one is configured', () => {
    s.pipeline('eu').hasResourceProperties('AWS::ApiGatewayV2::DomainName', {
      DomainName: 'logs-eu.example.com',
      DomainNameConfigurations: [Match.objectLike({ SecurityPolicy: 'TLS_1_2' })],
    });
    s.pipeline('eu').resourceCountIs('AWS::ApiGatewayV2::ApiMapping', 1);
    s.pipeline('us').resourceCountIs('AWS::ApiGatewayV2::DomainName', 0);
  });
});

describe('Athena catalog', () => {
  it('projects tenant, day and hour partitions over records/ so no crawler is needed', () => {
    s.pipeline('eu').hasResourceProperties('AWS::Glue::Table', {
      DatabaseName: 'acmelogs_eu',
      TableInput: Match.objectLike({
        PartitionKeys: [
          Match.objectLike({ Name: 'tenant' }),
          Match.objectLike({ Name: 'dt' }),
          Match.objectLike({ Name: 'hour' }),
        ],
        Parameters: Match.objectLike({
          'projection.enabled': 'true',
          'projection.tenant.type': 'enum',
          'projection.tenant.values': 'bank,insurer',
          'projection.dt.type': 'date',
          'projection.hour.type': 'integer',
          'storage.location.template': {
            'Fn::Join': [
              '',
              Match.arrayWith([
                Match.stringLikeRegexp(
                  '^/records/tenant=\\$\\{tenant\\}/dt=\\$\\{dt\\}/hour=\\$\\{hour\\}/$',
                ),
              ]),
            ],
          },
        }),
        StorageDescriptor: Match.objectLike({
          SerdeInfo: Match.objectLike({ SerializationLibrary: 'org.openx.data.jsonserde.JsonSerDe' }),
          Columns: Match.arrayWith([Match.objectLike({ Name: 'message', Type: 'string' })]),
        }),
      }),
    });
  });
});

describe('monitoring', () => {
  it('alarms on iterator age, errors and throttles of every function, and failure-queue depth, notifying the topic', () => {
    const t = s.pipeline('eu');
    const alarms = Object.values(t.findResources('AWS::CloudWatch::Alarm')).map((a) => a['Properties']);
    const metricNames = alarms.map((a) => `${a['Namespace']}/${a['MetricName']}`);
    expect(metricNames.filter((m) => m === 'AWS/Lambda/IteratorAge')).toHaveLength(1);
    expect(metricNames.filter((m) => m === 'AWS/Lambda/Errors')).toHaveLength(4);
    expect(metricNames.filter((m) => m === 'AWS/Lambda/Throttles')).toHaveLength(4);
    const failureQueue = logicalIdOf('eu', 'AWS::SQS::Queue', { QueueName: 'acmelogs-eu-failures' });
    expect(alarms).toContainEqual(
      expect.objectContaining({
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [failureQueue, 'QueueName'] } }],
      }),
    );
    const topic = logicalIdOf('eu', 'AWS::SNS::Topic', {});
    for (const a of alarms) expect(a['AlarmActions']).toEqual([{ Ref: topic }]);
  });

  it('lets CloudWatch use the data key only for this account’s alarms', () => {
    const keys = Object.values(s.pipeline('eu').findResources('AWS::KMS::Key'));
    const statements = keys.flatMap(
      (k) => k['Properties']['KeyPolicy']['Statement'] as Array<Record<string, unknown>>,
    );
    const forCloudWatch = statements.filter((st) =>
      JSON.stringify(st['Principal']).includes('cloudwatch.amazonaws.com'),
    );
    expect(forCloudWatch.length).toBeGreaterThan(0);
    for (const st of forCloudWatch) {
      expect(st['Condition']).toMatchObject({
        StringEquals: { 'aws:SourceAccount': expect.anything() },
        ArnLike: { 'aws:SourceArn': expect.anything() },
      });
    }
  });

  it('subscribes the alarm e-mail where the config names one', () => {
    s.pipeline('eu').hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
    });
    s.pipeline('us').resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('has a dashboard graphing the masked-by-detector and dropped-by-reason metrics', () => {
    const [dash] = Object.values(s.pipeline('eu').findResources('AWS::CloudWatch::Dashboard'));
    const body = JSON.stringify(dash?.['Properties']['DashboardBody']);
    expect(body).toContain('MetricName=\\\\\\"ValuesMasked\\\\\\" detector');
    expect(body).toContain('MetricName=\\\\\\"RecordsDropped\\\\\\" reason');
    expect(body).toContain('IteratorAge');
  });
});

describe('cdk-nag', () => {
  it('AwsSolutions reports no unacknowledged finding', () => {
    expect(s.nagViolations).toEqual([]);
  });
});
