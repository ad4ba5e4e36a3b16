import { CfnOutput, Duration, Stack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { SecretRef } from '../../shared/config/schema.ts';
import { SERVED_ROUTES } from '../../shared/ingest/routes.ts';
import { addStatements, secretReadStatements } from '../secret-refs.ts';
import { type FunctionSettings, SluiceFunction } from './sluice-function.ts';

/** Every route the ingest function serves (from the app's own table); anything else gets API Gateway's 404. */
export const INGEST_ROUTES: ReadonlyArray<readonly [apigw.HttpMethod, string]> = SERVED_ROUTES.flatMap(
  ([path, methods]) => methods.map((m) => [m as apigw.HttpMethod, path] as const),
);

export interface IngestEndpointProps {
  /** Settings shared by every function of the region (entry folder, config, env). */
  readonly functions: FunctionSettings;
  /** The regional stream; the function may only PutRecord(s) to it. */
  readonly stream: kinesis.IStream;
  /** The stream's key; the function gets GenerateDataKey on it, which Kinesis SSE needs from producers. */
  readonly key: kms.IKey;
  /** Ingestion-key secrets named in the config, readable at cold start. */
  readonly secrets: readonly SecretRef[];
  /** Stage-wide steady-state request rate limit (requests per second). */
  readonly throttleRatePerSecond: number;
  /** Stage-wide burst limit (requests). */
  readonly throttleBurst: number;
  /** Optional custom domain served by a regional ACM certificate of the same AWS region. */
  readonly customDomain?: { readonly domainName: string; readonly certificateArn: string };
  /** Memory of the ingest function in MB. */
  readonly memoryMb?: number;
}

/** The regional ingestion endpoint: an HTTP API whose every route invokes the ingest function. */
export class IngestEndpoint extends Construct {
  readonly function: SluiceFunction;
  readonly api: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  /** Base URL shippers point at (the custom domain when configured). */
  readonly url: string;

  constructor(scope: Construct, id: string, props: IngestEndpointProps) {
    super(scope, id);
    const region = props.functions.region;
    this.function = new SluiceFunction(this, 'Ingest', {
      ...props.functions,
      name: 'ingest',
      memoryMb: props.memoryMb ?? 1024,
      // API Gateway HTTP APIs give up on an integration after 30 s.
      timeout: Duration.seconds(29),
      description: `sluice ingest endpoint (${region})`,
    });
    const role = this.function.role;
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['kinesis:PutRecord', 'kinesis:PutRecords'],
        resources: [props.stream.streamArn],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['kms:GenerateDataKey'], resources: [props.key.keyArn] }),
    );
    addStatements(role, secretReadStatements(Stack.of(this), props.secrets));

    this.api = new apigw.HttpApi(this, 'Api', {
      apiName: `${Stack.of(this).stackName}-ingest`,
      description: `sluice ingestion endpoint for residency region ${region}`,
      createDefaultStage: false,
    });
    const integration = new HttpLambdaIntegration('Ingest', this.function.fn, {
      payloadFormatVersion: apigw.PayloadFormatVersion.VERSION_2_0,
      // One resource-based permission for the whole API instead of one per route.
      scopePermissionToRoute: false,
    });
    for (const [method, path] of INGEST_ROUTES) {
      this.api.addRoutes({ path, methods: [method], integration });
    }

    const accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: logs.RetentionDays.ONE_MONTH });
    let domainName: apigw.DomainName | undefined;
    if (props.customDomain) {
      domainName = new apigw.DomainName(this, 'Domain', {
        domainName: props.customDomain.domainName,
        certificate: acm.Certificate.fromCertificateArn(
          this,
          'Certificate',
          props.customDomain.certificateArn,
        ),
        securityPolicy: apigw.SecurityPolicy.TLS_1_2,
      });
      new CfnOutput(this, 'DomainTarget', {
        description: `CNAME or alias target for ${props.customDomain.domainName}`,
        value: domainName.regionalDomainName,
      });
    }
    this.stage = new apigw.HttpStage(this, 'Stage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.throttleRatePerSecond, burstLimit: props.throttleBurst },
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(accessLogs),
        // No headers, query strings or bodies: keys and personal data never reach the access log.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            time: '$context.requestTimeEpoch',
            route: '$context.routeKey',
            status: '$context.status',
            bytes: '$context.responseLength',
            latencyMs: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
      ...(domainName ? { domainMapping: { domainName } } : {}),
    });
    this.url = props.customDomain ? `https://${props.customDomain.domainName}` : this.stage.url;

    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'Shippers authenticate with per-tenant ingestion keys (Bearer, Splunk, ApiKey/Basic, Firehose access key) that the ingest function verifies in constant time before writing anything; IAM or Cognito authorizers cannot speak those protocols.',
    });
  }
}
