import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import type { SluiceConfig } from '../config/load.ts';
import type { SecretRef } from '../config/schema.ts';
import { SluiceError, type SluiceErrorOptions } from '../errors.ts';
import { isRetryableAwsError } from './aws-errors.ts';

/**
 * A secret the config references could not be read: the cold start fails (and is retried on the next call).
 * Retryable when AWS throttled or timed out; a missing secret or a denied read needs a human.
 */
export class SecretResolutionError extends SluiceError {
  override readonly name = 'SecretResolutionError';
  /** What was referenced (ARN, parameter name or variable name): never the value. */
  readonly ref: string;
  constructor(ref: string, message: string, options?: SluiceErrorOptions) {
    super(`cannot resolve secret ${ref}: ${message}`, options);
    this.ref = ref;
  }
}

export interface SecretResolverDeps {
  /** Secrets Manager client for an AWS region (secrets are regional; the ARN names the region). */
  secretsManager?: (awsRegion: string) => SecretsManagerClient;
  /** SSM client of the function's own region. */
  ssm?: SSMClient;
  env?: Readonly<Record<string, string | undefined>>;
}

export interface SecretResolver {
  /** The secret's value as a string; each reference is fetched once and cached (also concurrent calls). */
  resolve(ref: SecretRef): Promise<string>;
}

export function describeSecretRef(ref: SecretRef): string {
  if ('secretArn' in ref) return ref.secretArn;
  if ('ssmParameter' in ref) return `ssm:${ref.ssmParameter}`;
  return `env:${ref.env}`;
}

/** `arn:aws:secretsmanager:eu-west-1:123456789012:secret:name` → `eu-west-1`. */
function arnRegion(arn: string): string {
  return arn.split(':')[3] ?? '';
}

/**
 * Resolves the config's secret references at cold start: `{secretArn}` (the whole SecretString),
 * `{ssmParameter}` (decrypted, so SecureString works), `{env}`. Values are cached for the life of the process;
 * a failed lookup is not cached, so the next cold start (or call) tries again.
 */
export function createSecretResolver(deps: SecretResolverDeps): SecretResolver {
  const cache = new Map<string, Promise<string>>();
  const fetch = async (ref: SecretRef): Promise<string> => {
    const name = describeSecretRef(ref);
    if ('env' in ref) {
      const value = (deps.env ?? process.env)[ref.env];
      if (value === undefined || value === '')
        throw new SecretResolutionError(name, 'the variable is not set');
      return value;
    }
    try {
      if ('secretArn' in ref) {
        if (!deps.secretsManager)
          throw new SecretResolutionError(name, 'no Secrets Manager client configured');
        const client = deps.secretsManager(arnRegion(ref.secretArn));
        const res = await client.send(new GetSecretValueCommand({ SecretId: ref.secretArn }));
        if (typeof res.SecretString !== 'string' || res.SecretString === '') {
          throw new SecretResolutionError(name, 'the secret has no string value');
        }
        return res.SecretString;
      }
      if (!deps.ssm) throw new SecretResolutionError(name, 'no SSM client configured');
      const res = await deps.ssm.send(
        new GetParameterCommand({ Name: ref.ssmParameter, WithDecryption: true }),
      );
      const value = res.Parameter?.Value;
      if (typeof value !== 'string' || value === '')
        throw new SecretResolutionError(name, 'the parameter is empty');
      return value;
    } catch (cause) {
      if (cause instanceof SecretResolutionError) throw cause;
      throw new SecretResolutionError(name, (cause as Error).name ?? 'request failed', {
        cause,
        retryable: isRetryableAwsError(cause),
      });
    }
  };
  return {
    resolve(ref) {
      const key = describeSecretRef(ref);
      let hit = cache.get(key);
      if (!hit) {
        hit = fetch(ref);
        cache.set(key, hit);
        hit.catch(() => cache.delete(key));
      }
      return hit;
    },
  };
}

/** HMAC keys of the tenants this region serves (their `mask.hmacKey`), resolved once at cold start. */
export async function resolveHmacKeys(
  config: SluiceConfig,
  region: string,
  secrets: SecretResolver,
): Promise<Record<string, Uint8Array>> {
  const keys: Record<string, Uint8Array> = {};
  for (const t of config.tenants) {
    const ref = t.pipeline.mask.hmacKey;
    if (t.homeRegion !== region || !ref) continue;
    keys[t.id] = new TextEncoder().encode(await secrets.resolve(ref));
  }
  return keys;
}
