import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildSluiceApp, type SluiceStacks } from '../../infra/sluice-app.ts';
import { loadConfig, type SluiceConfig } from '../../shared/config/load.ts';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const TWO_REGIONS_CONFIG = resolve(REPO_ROOT, 'test/fixtures/infra/two-regions.yaml');
export const EXAMPLE_CONFIG = resolve(REPO_ROOT, 'config/example.yaml');

/** The feature flags of cdk.json, so tests build exactly what `cdk synth` builds. */
function cdkJsonFlags(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(resolve(REPO_ROOT, 'cdk.json'), 'utf8')) as {
    context: Record<string, unknown>;
  };
  return Object.fromEntries(Object.entries(cdkJson.context).filter(([k]) => k.startsWith('@aws-cdk')));
}

export interface SynthesizedSluice {
  config: SluiceConfig;
  stacks: SluiceStacks;
  /** Template of the global stack. */
  global: Template;
  /** Template of each pipeline stack by residency region name. */
  pipeline(region: string): Template;
  /** cdk-nag AwsSolutions violations that are not acknowledged, as `rule at path` lines. */
  nagViolations: string[];
}

/**
 * Builds and synthesizes the whole app once, without esbuild (context `aws:cdk:bundling-stacks: []`: the handler
 * entries must exist but are not bundled), and runs cdk-nag over the construct tree.
 */
export function synthesizeSluice(configPath: string): SynthesizedSluice {
  const app = new App({
    outdir: undefined,
    context: { ...cdkJsonFlags(), 'aws:cdk:bundling-stacks': [] },
  });
  const config = loadConfig(configPath);
  const stacks = buildSluiceApp(app, config, { configPath, nag: false });
  const report = new AwsSolutionsChecks(app).validateScope(app);
  const nagViolations = report.violations.flatMap((v) =>
    v.violatingResources.map((r) => `${v.ruleName} at ${r.locations.join(', ')}`),
  );
  const templates = new Map<string, Template>();
  for (const [region, stack] of stacks.pipelines) templates.set(region, Template.fromStack(stack));
  return {
    config,
    stacks,
    global: Template.fromStack(stacks.global),
    pipeline(region) {
      const t = templates.get(region);
      if (!t) throw new RangeError(`no pipeline stack for ${region}`);
      return t;
    },
    nagViolations,
  };
}

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

export interface Statement {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: Json;
  Condition?: Record<string, Record<string, string | string[]>>;
}

/** Every statement of the inline policies attached to the role whose logical id starts with `rolePrefix`. */
export function roleStatements(template: Template, rolePrefix: string): Statement[] {
  const policies = template.findResources('AWS::IAM::Policy');
  const out: Statement[] = [];
  for (const policy of Object.values(policies)) {
    const roles = (policy['Properties']['Roles'] ?? []) as Array<{ Ref: string }>;
    if (!roles.some((r) => r.Ref.startsWith(rolePrefix))) continue;
    out.push(...(policy['Properties']['PolicyDocument']['Statement'] as Statement[]));
  }
  if (out.length === 0) throw new Error(`no policy attached to a role ${rolePrefix}*`);
  return out;
}

/**
 * Turns CloudFormation intrinsics in a policy resource into a plain ARN string: `Ref AWS::Partition` → `aws`,
 * `GetAtt <bucket>.Arn` → `arn:aws:s3:::<BucketName>`, any other `GetAtt X.Arn` → `arn:aws:cfn:::X`.
 */
export function resolveArn(template: Template, value: Json): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    if ('Ref' in value) {
      if (value['Ref'] === 'AWS::Partition') return 'aws';
      if (value['Ref'] === 'AWS::AccountId') return '123456789012';
      return `ref:${String(value['Ref'])}`;
    }
    if ('Fn::GetAtt' in value) {
      const [logicalId] = value['Fn::GetAtt'] as [string, string];
      const resources = template.toJSON()['Resources'] as Record<
        string,
        { Type: string; Properties?: { BucketName?: string } }
      >;
      const r = resources[logicalId];
      if (r?.Type === 'AWS::S3::Bucket' && r.Properties?.BucketName)
        return `arn:aws:s3:::${r.Properties.BucketName}`;
      return `arn:aws:cfn:::${logicalId}`;
    }
    if ('Fn::Join' in value) {
      const [sep, parts] = value['Fn::Join'] as [string, Json[]];
      return parts.map((p) => resolveArn(template, p)).join(sep);
    }
  }
  throw new Error(`cannot resolve ${JSON.stringify(value)}`);
}

function glob(pattern: string, value: string): boolean {
  const re = new RegExp(
    `^${pattern
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('')}$`,
  );
  return re.test(value);
}

const asArray = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

function conditionsHold(cond: Statement['Condition'], context: Record<string, string[]>): boolean {
  if (!cond) return true;
  for (const [operator, entries] of Object.entries(cond)) {
    for (const [key, patterns] of Object.entries(entries)) {
      const values = context[key];
      const ps = asArray(patterns);
      if (operator === 'ForAllValues:StringLike') {
        // IAM: true when the request has no such key; otherwise every value must match a pattern.
        if (values && !values.every((v) => ps.some((p) => glob(p, v)))) return false;
      } else if (operator === 'StringLike') {
        if (!values?.some((v) => ps.some((p) => glob(p, v)))) return false;
      } else if (operator === 'StringEquals') {
        if (!values?.some((v) => ps.includes(v))) return false;
      } else {
        throw new Error(`the test policy evaluator does not know condition ${operator}`);
      }
    }
  }
  return true;
}

/**
 * Whether the statements allow `action` on `resource` with the given condition context. A small model of IAM
 * evaluation (Allow statements, `*`/`?` globs, the condition operators sluice uses; any other operator throws so
 * that a "cannot" assertion can never pass by accident).
 */
export function allows(
  template: Template,
  statements: readonly Statement[],
  action: string,
  resource: string,
  context: Record<string, string[]> = {},
): boolean {
  let allowed = false;
  for (const s of statements) {
    if (!asArray(s.Action).some((a) => glob(a, action))) continue;
    const resources = asArray(s.Resource as Json).map((r) => resolveArn(template, r));
    if (!resources.some((r) => glob(r, resource))) continue;
    if (!conditionsHold(s.Condition, context)) continue;
    if (s.Effect === 'Deny') return false;
    allowed = true;
  }
  return allowed;
}
