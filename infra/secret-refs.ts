import type { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { SluiceConfig } from '../shared/config/load.ts';
import type { SecretRef } from '../shared/config/schema.ts';

/** The secrets each function of one residency region reads at cold start, as named in the config. Never values. */
export interface SecretUse {
  /**
   * Ingestion keys stored in Secrets Manager or SSM (tenant `keys[].secret`) of every tenant: the ingest function
   * of each region knows every key so that another region's tenant gets a 403 naming its endpoint, not a 401.
   */
  readonly ingestionKeys: readonly SecretRef[];
  /** HMAC pseudonym keys (resolved `mask.hmacKey`) of the tenants homed in this region: the processor's only. */
  readonly hmacKeys: readonly SecretRef[];
}

export function secretUse(config: SluiceConfig, region: string): SecretUse {
  const ingestionKeys: SecretRef[] = [];
  for (const tenant of config.tenants) {
    for (const key of tenant.keys) if ('secret' in key) ingestionKeys.push(key.secret);
  }
  const hmacKeys: SecretRef[] = [];
  for (const tenant of config.tenants) {
    // Tenant pipelines are already merged over the defaults, so a default hmacKey shows up here too.
    if (tenant.homeRegion === region && tenant.pipeline.mask.hmacKey)
      hmacKeys.push(tenant.pipeline.mask.hmacKey);
  }
  return { ingestionKeys: dedupe(ingestionKeys), hmacKeys: dedupe(hmacKeys) };
}

function dedupe(refs: SecretRef[]): SecretRef[] {
  const seen = new Map<string, SecretRef>();
  for (const ref of refs) seen.set(JSON.stringify(ref), ref);
  return [...seen.values()];
}

/** `{env: NAME}` references, which a deployed function cannot resolve (infra never puts secrets in env). */
export function envRefs(refs: readonly SecretRef[]): string[] {
  return refs.flatMap((r) => ('env' in r ? [r.env] : []));
}

/**
 * IAM statements that let a function read exactly the named secrets: GetSecretValue on each Secrets Manager ARN
 * and GetParameter on each SSM parameter of the function's own region. Returns nothing for an empty list.
 * Secrets encrypted with the AWS-managed keys need no KMS grant; for a customer-managed key (`kmsKeyArn`) the
 * function may decrypt with it only through Secrets Manager or SSM.
 */
export function secretReadStatements(stack: Stack, refs: readonly SecretRef[]): iam.PolicyStatement[] {
  const secretArns: string[] = [];
  const parameterArns: string[] = [];
  const keyArns = new Set<string>();
  for (const ref of refs) {
    if (!('env' in ref) && ref.kmsKeyArn) keyArns.add(ref.kmsKeyArn);
    if ('secretArn' in ref) secretArns.push(...secretArnPatterns(ref.secretArn));
    else if ('ssmParameter' in ref) {
      parameterArns.push(
        stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: ref.ssmParameter.slice(1) }),
      );
    }
  }
  const statements: iam.PolicyStatement[] = [];
  if (secretArns.length > 0) {
    statements.push(
      new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: secretArns }),
    );
  }
  if (parameterArns.length > 0) {
    statements.push(new iam.PolicyStatement({ actions: ['ssm:GetParameter'], resources: parameterArns }));
  }
  if (keyArns.size > 0) {
    statements.push(
      new iam.PolicyStatement({
        actions: ['kms:Decrypt'],
        resources: [...keyArns],
        conditions: {
          StringEquals: {
            'kms:ViaService': [
              `secretsmanager.${stack.region}.amazonaws.com`,
              `ssm.${stack.region}.amazonaws.com`,
            ],
          },
        },
      }),
    );
  }
  return statements;
}

/**
 * A complete secret ARN ends in `-` plus six random characters; a config may name the secret without them.
 * `?` matches exactly one character, so the pattern grants that one secret, not a prefix.
 */
function secretArnPatterns(arn: string): string[] {
  return /-[A-Za-z0-9]{6}$/.test(arn) ? [arn, `${arn}-??????`] : [`${arn}-??????`];
}

/** Adds each statement to the role's default policy. */
export function addStatements(role: iam.IRole, statements: readonly iam.PolicyStatement[]): void {
  for (const s of statements) role.addToPrincipalPolicy(s);
}
