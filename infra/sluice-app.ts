import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Annotations, type App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { SluiceConfig } from '../shared/config/load.ts';
import { wellKnownKey } from '../shared/config/well-known-keys.ts';
import { globalResources, regionResources } from '../shared/resources.ts';
import { InfraError } from './errors.ts';
import { suppressAccepted } from './nag.ts';
import { envRefs, secretUse } from './secret-refs.ts';
import { GlobalStack } from './stacks/global-stack.ts';
import { PipelineStack } from './stacks/pipeline-stack.ts';

export interface SluiceAppOptions {
  /** Path of the config file the stacks were built from; copied into every function bundle. */
  readonly configPath: string;
  /** Folder holding `<name>/handler.ts` for ingest, process and redrive. Default: `functions/` of the repo. */
  readonly functionsDir?: string;
  /** Account to deploy to when the config names none (the CLI's `CDK_DEFAULT_ACCOUNT`). */
  readonly defaultAccount?: string;
  /** Run cdk-nag's AwsSolutions pack on every stack (default true). */
  readonly nag?: boolean;
}

export interface SluiceStacks {
  readonly global: GlobalStack;
  /** Pipeline stacks by residency region name. */
  readonly pipelines: ReadonlyMap<string, PipelineStack>;
}

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Adds the global stack and one pipeline stack per residency region to `app`. Stack names, regions and account
 * come from the config; each pipeline stack depends on the global one (its table replica must exist first).
 */
export function buildSluiceApp(app: App, config: SluiceConfig, options: SluiceAppOptions): SluiceStacks {
  refuseWellKnownKeys(config);
  applyFeatureFlags(app);
  const account = config.account ?? options.defaultAccount;
  const configPath = resolve(options.configPath);
  const functionsDir = resolve(options.functionsDir ?? resolve(REPO_ROOT, 'functions'));
  const g = globalResources(config);
  const global = new GlobalStack(app, g.stackName, {
    stackName: g.stackName,
    env: { account, region: g.homeAwsRegion },
    description: `sluice ${config.project}: aggregate table replicated to every residency region`,
    tableName: g.tableName,
    replicaAwsRegions: Object.values(config.regions).map((r) => r.awsRegion),
  });
  const pipelines = new Map<string, PipelineStack>();
  for (const region of Object.keys(config.regions)) {
    const names = regionResources(config, region);
    const stack = new PipelineStack(app, names.stackName, {
      stackName: names.stackName,
      env: { account, region: names.awsRegion },
      description: `sluice ${config.project}: pipeline of residency region ${region}`,
      config,
      region,
      configPath,
      functionsDir,
    });
    stack.addStackDependency(
      global,
      'the aggregate table replica must exist before the processor writes to it',
    );
    pipelines.set(region, stack);
    warnAboutConfig(stack, config, region);
  }
  for (const stack of [global, ...pipelines.values()]) {
    suppressAccepted(stack);
    // Cost allocation and ownership: every resource says which sluice deployment it belongs to.
    Tags.of(stack).add('sluice:project', config.project);
  }
  for (const [region, stack] of pipelines) Tags.of(stack).add('sluice:region', region);
  if (options.nag ?? true) {
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  }
  return { global, pipelines };
}

/**
 * Feature flags the stacks rely on (cdk.json sets them too; this covers apps built in tests or other tools).
 * Context can only be set before the first construct is added, so a caller that already added one keeps its own.
 */
export const FEATURE_FLAGS = {
  // Access-log delivery via a bucket policy instead of the legacy LogDeliveryWrite ACL (ACLs stay disabled).
  '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
} as const;

function applyFeatureFlags(app: App): void {
  if (app.node.children.length > 0) return;
  for (const [flag, value] of Object.entries(FEATURE_FLAGS)) {
    if (app.node.tryGetContext(flag) === undefined) app.node.setContext(flag, value);
  }
}

/** Config choices that synthesize but will not work as intended once deployed. */
function warnAboutConfig(stack: PipelineStack, config: SluiceConfig, region: string): void {
  const use = secretUse(config, region);
  for (const name of envRefs([...use.ingestionKeys, ...use.hmacKeys])) {
    Annotations.of(stack).addWarningV2(
      'sluice:env-secret',
      `secret reference {env: ${name}} cannot be resolved in Lambda: the CDK app never puts secrets in function environment variables. Use {secretArn} or {ssmParameter} for deployed stacks.`,
    );
  }
}

/**
 * An ingestion key whose plaintext is public (`test`, `changeme`, …) opens the endpoint to anyone: refused unless
 * the config marks it `example: true` (documentation and test fixtures).
 */
function refuseWellKnownKeys(config: SluiceConfig): void {
  const problems: string[] = [];
  config.tenants.forEach((t, i) => {
    t.keys.forEach((k, j) => {
      if (!('sha256' in k) || k.example) return;
      const plain = wellKnownKey(k.sha256);
      if (plain !== undefined) {
        problems.push(
          `tenants.${i}.keys.${j}.sha256 (${t.id}/${k.id}) is the hash of the well-known key "${plain}": use a random key, or mark it example: true if this config is never deployed`,
        );
      }
    });
  });
  if (problems.length > 0) throw new InfraError(`refusing to synthesize:\n  - ${problems.join('\n  - ')}`);
}
