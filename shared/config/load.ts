import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { setOwn } from '../record/set-own.ts';
import { ConfigError } from './errors.ts';
import {
  type Config,
  configSchema,
  type PipelineRules,
  pipelineSchema,
  type TenantConfig,
} from './schema.ts';

/** A tenant whose pipeline rules are the defaults with its overrides merged in, validated. */
export interface Tenant extends Omit<TenantConfig, 'pipeline'> {
  pipeline: PipelineRules;
}

/** The validated configuration the whole system runs on. */
export interface SluiceConfig extends Omit<Config, 'tenants'> {
  tenants: Tenant[];
  /** sha256 of the canonical JSON of the validated config: stamped on outputs as provenance. */
  rulesHash: string;
}

/** Each issue as `path: message`, the path joined with dots (`tenants.0.pipeline.mask.mode`). */
export function formatIssues(
  issues: readonly z.core.$ZodIssue[],
  prefix: readonly PropertyKey[] = [],
): string[] {
  return issues.map((issue) => {
    const path = [...prefix, ...issue.path].map(String).join('.') || '(root)';
    if (issue.code === 'unrecognized_keys') {
      return `${path}: unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    }
    return `${path}: ${issue.message}`;
  });
}

/** Objects merge key by key; arrays and scalars from `over` replace those of `base`. */
export function deepMerge(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  // A secret reference is one value: {secretArn} over {env} replaces it rather than mixing both kinds.
  if (!isObject(base) || !isObject(over) || isSecretRef(over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over))
    setOwn(out, k, deepMerge(Object.hasOwn(base, k) ? base[k] : undefined, v));
  return out;
}

const SECRET_REF_KINDS = ['env', 'secretArn', 'ssmParameter'] as const;
const isSecretRef = (v: Record<string, unknown>): boolean =>
  SECRET_REF_KINDS.some((k) => Object.hasOwn(v, k));

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Validates an already-parsed document. `source` names it in error messages (a path, or `built-in defaults`). */
export function parseConfig(document: unknown, source: string): SluiceConfig {
  const result = configSchema.safeParse(document);
  if (!result.success) throw new ConfigError(source, formatIssues(result.error.issues));
  const cfg = result.data;
  const rawDefaults =
    isObject(document) && isObject(document.defaults) ? document.defaults.pipeline : undefined;
  const problems: string[] = [];
  const tenants: Tenant[] = cfg.tenants.map((t, i) => {
    const merged = deepMerge(rawDefaults ?? {}, t.pipeline ?? {});
    const rules = pipelineSchema.safeParse(merged);
    if (!rules.success) {
      problems.push(...formatIssues(rules.error.issues, ['tenants', i, 'pipeline']));
      return { ...t, pipeline: cfg.defaults.pipeline };
    }
    return { ...t, pipeline: rules.data };
  });
  if (problems.length > 0) throw new ConfigError(source, problems);
  return { ...cfg, tenants, rulesHash: hashRules(cfg) };
}

function hashRules(cfg: Config): string {
  return canonicalHash({
    defaults: cfg.defaults,
    tenants: cfg.tenants.map((t) => [t.id, t.pipeline ?? null]),
  });
}

function canonicalHash(value: unknown): string {
  return createHash('sha256')
    .update(
      JSON.stringify(value, (_k, v) => (isObject(v) ? Object.fromEntries(Object.entries(v).sort()) : v)),
    )
    .digest('hex')
    .slice(0, 16);
}

/** Reads, parses and validates a YAML config file; every failure is a `ConfigError` naming the file. */
export function loadConfig(path: string): SluiceConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new ConfigError(
      path,
      [`cannot read the file (${(cause as NodeJS.ErrnoException).code ?? 'error'})`],
      {
        cause,
      },
    );
  }
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (cause) {
    throw new ConfigError(path, [`not valid YAML: ${(cause as Error).message.split('\n')[0]}`], { cause });
  }
  return parseConfig(document, path);
}

export function findTenant(config: SluiceConfig, id: string): Tenant | undefined {
  return config.tenants.find((t) => t.id === id);
}
