import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { METRIC_NAMESPACE } from '../../shared/runtime/telemetry.ts';
import { InfraError } from '../errors.ts';

/** Where the handlers find the config inside the deployed bundle (`/var/task` is the Lambda code root). */
export const BUNDLED_CONFIG_PATH = '/var/task/sluice.yaml';

/**
 * ESM bundles have no `require`; some dependencies (CJS inside the SDK, yaml, aws-kinesis-agg) still call it.
 * The alias avoids clashing with a bundled `createRequire` import.
 */
const ESM_REQUIRE_BANNER =
  "import { createRequire as __sluiceCreateRequire } from 'node:module'; const require = __sluiceCreateRequire(import.meta.url);";

/** The function names; each has its handler at `<functionsDir>/<name>/handler.ts`. */
export type FunctionName = 'ingest' | 'process' | 'redrive' | 'rollup';

/** What every function of one residency region shares. */
export interface FunctionSettings {
  /** Absolute path of the `functions/` folder holding `<name>/handler.ts`. */
  readonly functionsDir: string;
  /** Absolute path of the sluice config file; copied into each bundle as `sluice.yaml`. */
  readonly configPath: string;
  /** Residency region name (config key), exposed to the handler as `SLUICE_REGION`. */
  readonly region: string;
  /** Resource names the handlers need (STREAM_NAME, BUCKET_NAME, TABLE_NAME, FAILURE_QUEUE_URL). */
  readonly environment: Readonly<Record<string, string>>;
  /** How long each function's own log group keeps its (content-free) logs. */
  readonly logRetention?: logs.RetentionDays;
}

export interface SluiceFunctionProps extends FunctionSettings {
  /** Which handler to bundle; the Powertools service name (`POWERTOOLS_SERVICE_NAME`) is `sluice-<name>`. */
  readonly name: FunctionName;
  /** Memory in MB; CPU scales with it (1,769 MB = one vCPU). */
  readonly memoryMb: number;
  /** Hard timeout of one invocation. */
  readonly timeout: Duration;
  /** Human-readable description shown in the Lambda console. */
  readonly description: string;
}

/**
 * Every sluice Lambda function: esbuild-bundled ESM (minified, source maps, no Docker), ARM64 on nodejs22.x, an
 * explicit log group with retention, and its own role holding nothing but write access to that log group. Each
 * caller adds the few grants its function needs.
 */
export class SluiceFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: SluiceFunctionProps) {
    super(scope, id);
    const entry = join(props.functionsDir, props.name, 'handler.ts');
    if (!existsSync(entry)) throw new InfraError(`handler entry ${entry} does not exist`);

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // A dedicated role instead of AWSLambdaBasicExecutionRole, whose log permissions cover every log group.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `sluice ${props.name} (${props.region})`,
    });
    this.logGroup.grantWrite(this.role);

    const configPath = props.configPath;
    this.fn = new NodejsFunction(this, 'Function', {
      entry,
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memoryMb,
      timeout: props.timeout,
      description: props.description,
      role: this.role,
      logGroup: this.logGroup,
      environment: {
        ...props.environment,
        SLUICE_REGION: props.region,
        SLUICE_CONFIG_PATH: BUNDLED_CONFIG_PATH,
        POWERTOOLS_SERVICE_NAME: `sluice-${props.name}`,
        POWERTOOLS_METRICS_NAMESPACE: METRIC_NAMESPACE,
        // Stack traces in the function's own logs point at the TypeScript sources.
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        minify: true,
        sourceMap: true,
        sourceMapMode: SourceMapMode.DEFAULT,
        // Maps without embedded sources are a third of the size; the sources are in the repo at the same commit.
        sourcesContent: false,
        target: 'node22',
        // The SDK is bundled at the versions package.json pins, not whatever the runtime image ships.
        bundleAwsSDK: true,
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (_inputDir: string, outputDir: string) => [
            `cp ${shellQuote(configPath)} ${shellQuote(`${outputDir}/sluice.yaml`)}`,
          ],
        },
      },
    });
  }
}

function shellQuote(s: string): string {
  return `'${s.replaceAll("'", "'\\''")}'`;
}
