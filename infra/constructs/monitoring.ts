import { Duration, Stack } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRIC_NAMESPACE, PROCESS_METRICS } from '../../shared/runtime/telemetry.ts';

/**
 * The processor's EMF metrics the dashboard graphs (names from functions/process/telemetry.ts): `RecordsDropped`
 * carries the dimension `reason`, `ValuesMasked` the dimension `detector`. The graphs use SEARCH on namespace and
 * name only, so the dimensions Powertools adds (`service`) do not hide a metric; CloudWatch metrics are per AWS
 * region and each AWS region hosts one residency region, so no `region` filter is needed.
 */
export const DASHBOARD_METRICS = {
  processed: PROCESS_METRICS.recordsIn,
  kept: PROCESS_METRICS.recordsOut,
  dropped: PROCESS_METRICS.dropped,
  masked: PROCESS_METRICS.masked,
  failed: PROCESS_METRICS.failed,
} as const;

export interface MonitoringProps {
  /** Residency region name, for titles and descriptions. */
  readonly region: string;
  /** Dashboard name (unique per account and AWS region). */
  readonly dashboardName: string;
  /** The ingest, process, redrive and roll-up functions: errors and throttles are alarmed for each. */
  readonly functions: {
    readonly ingest: lambda.IFunction;
    readonly process: lambda.IFunction;
    readonly redrive: lambda.IFunction;
    /** Regional aggregates → global table (docs/residency.md). */
    readonly rollup: lambda.IFunction;
  };
  /** The ingestion HTTP API (5xx answers). */
  readonly api: apigw.HttpApi;
  /** The regional stream: its IncomingRecords count is the number of records ingested. */
  readonly stream: kinesis.IStream;
  /** Queues whose depth means records need attention: the alert queue, the ESM failure queue and the DLQs. */
  readonly queues: {
    readonly failures: sqs.IQueue;
    readonly esmFailures: sqs.IQueue;
    readonly dlqs: readonly sqs.IQueue[];
  };
  /** Iterator age (ms) above which the processor is falling behind. */
  readonly iteratorAgeThresholdMs: number;
  /** Key encrypting the alarm topic; CloudWatch is allowed to use it. */
  readonly key: kms.IKey;
  /** Optional e-mail address subscribed to the alarm topic (confirm the subscription mail after deploy). */
  readonly alarmEmail?: string;
}

/** The regional dashboard, the alarms, and the SNS topic they notify. */
export class Monitoring extends Construct {
  readonly dashboard: cloudwatch.Dashboard;
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    // CloudWatch publishes to the encrypted topic with the key, so the key policy must let it
    // (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html).
    // Only for this account's alarms: the key also protects the raw records.
    const stack = Stack.of(this);
    props.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: {
            'aws:SourceArn': `arn:${stack.partition}:cloudwatch:${stack.region}:${stack.account}:alarm:*`,
          },
        },
      }),
    );
    this.topic = new sns.Topic(this, 'AlarmTopic', {
      displayName: `sluice alarms (${props.region})`,
      masterKey: props.key,
      enforceSSL: true,
    });
    if (props.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    const action = new actions.SnsAction(this.topic);

    const alarm = (alarmId: string, metric: cloudwatch.IMetric, threshold: number, description: string) => {
      const a = new cloudwatch.Alarm(this, alarmId, {
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      a.addAlarmAction(action);
      a.addOkAction(action);
      this.alarms.push(a);
      return a;
    };
    const fiveMin = Duration.minutes(5);

    const iteratorAge = props.functions.process.metric('IteratorAge', {
      statistic: 'Maximum',
      period: Duration.minutes(1),
    });
    const iteratorAlarm = new cloudwatch.Alarm(this, 'IteratorAge', {
      metric: iteratorAge,
      threshold: props.iteratorAgeThresholdMs,
      // Three minutes in a row: one slow batch is not an incident, a backlog is.
      evaluationPeriods: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: `The processor is ${props.iteratorAgeThresholdMs / 1000} s or more behind the stream: records may reach their maximum age and go to the failure path.`,
    });
    iteratorAlarm.addAlarmAction(action);
    iteratorAlarm.addOkAction(action);
    this.alarms.push(iteratorAlarm);

    for (const [name, fn] of Object.entries(props.functions)) {
      const title = name[0]!.toUpperCase() + name.slice(1);
      alarm(
        `${title}Errors`,
        fn.metricErrors({ period: fiveMin, statistic: 'Sum' }),
        1,
        `The ${name} function failed.`,
      );
      alarm(
        `${title}Throttles`,
        fn.metricThrottles({ period: fiveMin, statistic: 'Sum' }),
        1,
        `The ${name} function was throttled (account or reserved concurrency).`,
      );
    }
    alarm(
      'ApiServerErrors',
      props.api.metricServerError({ period: fiveMin, statistic: 'Sum' }),
      5,
      'The ingestion endpoint answered 5xx: shippers are retrying or buffering.',
    );
    alarm(
      'FailureStoreDepth',
      props.queues.failures.metricApproximateNumberOfMessagesVisible({
        period: fiveMin,
        statistic: 'Maximum',
      }),
      1,
      'Records were parked in the failure store (S3 failed/): inspect them and run sluice redrive after the fix.',
    );
    alarm(
      'EsmFailureBacklog',
      props.queues.esmFailures.metricApproximateAgeOfOldestMessage({ period: fiveMin, statistic: 'Maximum' }),
      15 * 60,
      'Failed-batch notices have waited 15 min for the redrive function: their records expire with the stream retention.',
    );
    props.queues.dlqs.forEach((dlq, i) => {
      alarm(
        `DeadLetters${i}`,
        dlq.metricApproximateNumberOfMessagesVisible({ period: fiveMin, statistic: 'Maximum' }),
        1,
        'A failure-path message could not be handled and moved to a dead-letter queue.',
      );
    });

    // A SEARCH term that is a bare dimension name (` reason`) keeps only metrics carrying that dimension: one
    // line per reason or detector. SUM(SEARCH(...)) folds every series of a name into one total.
    const query = (metricName: string, by = '') =>
      `SEARCH('Namespace="${METRIC_NAMESPACE}" MetricName="${metricName}"${by}', 'Sum', 300)`;
    const perDimension = (metricName: string, dimension: string) =>
      new cloudwatch.SearchExpression({ expression: query(metricName, ` ${dimension}`), period: fiveMin });
    const total = (metricName: string, label: string) =>
      new cloudwatch.MathExpression({
        expression: `SUM(${query(metricName)})`,
        usingMetrics: {},
        label,
        period: fiveMin,
      });
    const m = DASHBOARD_METRICS;
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      defaultInterval: Duration.hours(3),
    });
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Records: ingested, processed, kept, dropped',
        width: 12,
        left: [
          props.stream.metricIncomingRecords({ statistic: 'Sum', period: fiveMin, label: 'ingested' }),
          total(m.processed, 'processed'),
          total(m.kept, 'kept'),
          total(m.dropped, 'dropped'),
        ],
      }),
      new cloudwatch.GraphWidget({
        title: 'Dropped by reason',
        width: 6,
        left: [perDimension(m.dropped, 'reason')],
      }),
      new cloudwatch.GraphWidget({
        title: 'Values masked by detector',
        width: 6,
        left: [perDimension(m.masked, 'detector')],
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Processor iterator age (ms)', width: 8, left: [iteratorAge] }),
      new cloudwatch.GraphWidget({
        title: 'Function errors and throttles',
        width: 8,
        left: Object.values(props.functions).map((fn) => fn.metricErrors({ period: fiveMin })),
        right: Object.values(props.functions).map((fn) => fn.metricThrottles({ period: fiveMin })),
      }),
      new cloudwatch.GraphWidget({
        title: 'Failure store: parked records, failed batches, dead letters',
        width: 8,
        left: [
          total(m.failed, 'records failed'),
          props.queues.failures.metricApproximateNumberOfMessagesVisible({ label: 'alert queue depth' }),
          props.queues.esmFailures.metricApproximateNumberOfMessagesVisible({
            label: 'failed batches waiting',
          }),
          ...props.queues.dlqs.map((q, i) =>
            q.metricApproximateNumberOfMessagesVisible({ label: `DLQ ${i}` }),
          ),
        ],
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', width: 24, alarms: this.alarms }),
    );
  }
}
