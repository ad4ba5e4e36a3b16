import { readFileSync } from 'node:fs';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { deepMerge, formatIssues } from '../../shared/config/load.ts';
import { type PipelineRules, pipelineSchema } from '../../shared/config/schema.ts';
import { LOCAL_HMAC_ENV } from '../../shared/local/state.ts';
import { createPipeline } from '../../shared/pipeline/pipeline.ts';
import type { NormalizeContext } from '../../shared/record/normalize.ts';
import { parseLogLine } from '../../shared/record/parse-line.ts';
import { type MaskedSpan, maskedSpans } from './spans.ts';

/** Bounds on one playground run: the page pastes a handful of lines, not a log file. */
export const PLAYGROUND_LIMITS = { lines: 1000, lineChars: 64 * 1024, rulesChars: 64 * 1024 } as const;

export interface RuleError {
  /** Key path inside the rules (`mask.detectors.emial`), `(root)`, or `(yaml)` for a syntax error. */
  path: string;
  message: string;
}

export interface LineResult {
  /** Line number in the input (1-based, blank lines count). */
  line: number;
  input: string;
  kept: boolean;
  /** Why it was dropped: `level`, a drop rule's name, `sample:<rule>`, `throttle:<rule>`, `suppress:<rule>`. */
  reason?: string;
  /** The masked record as stored (NDJSON line). */
  output?: string;
  spans: MaskedSpan[];
  /** Values masked in this line, by detector, `sensitiveKey` or `allowList`. */
  masked: Record<string, number>;
}

export interface PlaygroundResult {
  lines: LineResult[];
  /** Summary records the suppression rules emit at the end of a batch. */
  summaries: { output: string; spans: MaskedSpan[] }[];
  stats: { in: number; out: number; dropped: Record<string, number>; masked: Record<string, number> };
  counts: {
    service: string;
    level: string;
    dims: Record<string, string>;
    count: number;
    bytes: number;
    stats: Record<string, unknown>;
  }[];
  patterns: { service: string; template: string; count: number; example: string }[];
  /** The rules as a config block to paste into the config file. */
  config: string;
}

export type PlaygroundOutcome = { ok: true; result: PlaygroundResult } | { ok: false; errors: RuleError[] };

export interface PlaygroundContext {
  tenant: string;
  region: string;
  /**
   * The local stack's development HMAC key: used, as the local processor uses it, when the rules name a key whose
   * environment variable is unset.
   */
  devHmacKey?: string;
  env?: NodeJS.ProcessEnv;
  now?: () => number;
}

function splitIssue(text: string): RuleError {
  const at = text.indexOf(': ');
  return at < 0
    ? { path: '(root)', message: text }
    : { path: text.slice(0, at), message: text.slice(at + 2) };
}

/** Parses and validates the rules YAML with the config's own pipeline schema; errors carry their key path. */
export function parseRules(
  yaml: string,
): { ok: true; rules: PipelineRules; raw: unknown } | { ok: false; errors: RuleError[] } {
  let raw: unknown;
  try {
    raw = parseYaml(yaml) ?? {};
  } catch (cause) {
    return { ok: false, errors: [{ path: '(yaml)', message: (cause as Error).message.split('\n')[0]! }] };
  }
  const parsed = pipelineSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, errors: formatIssues(parsed.error.issues).map(splitIssue) };
  return { ok: true, rules: parsed.data, raw };
}

/** The HMAC key the local stack's processor would use for these rules (see `overlayDevSecrets`). */
function hmacKey(rules: PipelineRules, ctx: PlaygroundContext): Uint8Array | undefined {
  const ref = rules.mask.hmacKey;
  if (!ref) return undefined;
  const variable = 'env' in ref ? ref.env : LOCAL_HMAC_ENV;
  const value = (ctx.env ?? process.env)[variable] ?? ctx.devHmacKey;
  return value ? new TextEncoder().encode(value) : undefined;
}

const configBlock = (raw: unknown): string =>
  '# Paste under `defaults:` (every tenant) or into one tenant of the config file.\n' +
  stringifyYaml({ pipeline: raw }, { lineWidth: 0 });

function diff(after: Readonly<Record<string, number>>, before: Readonly<Record<string, number>>) {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(after)) if (v !== (before[k] ?? 0)) out[k] = v - (before[k] ?? 0);
  return out;
}

/**
 * Runs the real pipeline (`createPipeline`, as `sluice process` and the processor do) over pasted lines, one
 * line at a time in one session so suppression spans the run, and reports what each line became.
 */
export function runPlayground(text: string, rulesYaml: string, ctx: PlaygroundContext): PlaygroundOutcome {
  if (rulesYaml.length > PLAYGROUND_LIMITS.rulesChars) {
    return {
      ok: false,
      errors: [{ path: '(root)', message: `rules longer than ${PLAYGROUND_LIMITS.rulesChars} characters` }],
    };
  }
  const parsed = parseRules(rulesYaml);
  if (!parsed.ok) return parsed;
  const key = hmacKey(parsed.rules, ctx);
  let pipeline: ReturnType<typeof createPipeline>;
  try {
    pipeline = createPipeline(parsed.rules, { ...(key && { hmacKey: key }) });
  } catch (err) {
    return { ok: false, errors: [{ path: 'mask.hmacKey', message: (err as Error).message }] };
  }
  const receivedAt = (ctx.now ?? Date.now)();
  let seq = 0;
  const nctx: NormalizeContext = {
    tenant: ctx.tenant,
    region: ctx.region,
    protocol: 'console',
    receivedAt,
    nextId: () => `console-${receivedAt.toString(36)}-${(seq++).toString(36)}`,
  };
  const session = pipeline.session();
  const lines: LineResult[] = [];
  const inputs = text.split(/\r?\n/);
  for (let i = 0; i < inputs.length && lines.length < PLAYGROUND_LIMITS.lines; i++) {
    const input = inputs[i]!.slice(0, PLAYGROUND_LIMITS.lineChars);
    if (input.trim().length === 0) continue;
    const before = session.stats();
    const dropped = { ...before.dropped };
    const masked = { ...before.masked };
    const [out] = session.push([parseLogLine(input, nctx)]);
    const after = session.stats();
    const result: LineResult = {
      line: i + 1,
      input,
      kept: out !== undefined,
      spans: [],
      masked: diff(after.masked, masked),
    };
    if (out) {
      result.output = out.line;
      result.spans = maskedSpans(out.line);
    } else result.reason = Object.keys(diff(after.dropped, dropped))[0] ?? 'dropped';
    lines.push(result);
  }
  const end = session.end();
  return {
    ok: true,
    result: {
      lines,
      summaries: end.outputs.map((o) => ({ output: o.line, spans: maskedSpans(o.line) })),
      stats: { in: end.stats.in, out: end.stats.out, dropped: end.stats.dropped, masked: end.stats.masked },
      counts: [...end.aggregates.counts.values()].map((c) => ({
        service: c.service,
        level: c.level,
        dims: c.dims,
        count: c.count,
        bytes: c.bytes,
        stats: c.stats,
      })),
      patterns: [...end.aggregates.patterns.values()]
        .map((p) => ({ service: p.service, template: p.template, count: p.count, example: p.example }))
        .sort((a, b) => b.count - a.count || a.template.localeCompare(b.template)),
      config: configBlock(parsed.raw),
    },
  };
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The rules a tenant runs with, as written: the config file's `defaults.pipeline` with the tenant's own
 * `pipeline` merged in (the schema's defaults left implicit, so the text stays short).
 */
export function tenantRulesYaml(configPath: string, tenant: string): string {
  const doc: unknown = parseYaml(readFileSync(configPath, 'utf8'));
  if (!isObject(doc)) return '';
  const defaults = isObject(doc.defaults) ? doc.defaults.pipeline : undefined;
  const own = Array.isArray(doc.tenants)
    ? (doc.tenants as unknown[]).find((t) => isObject(t) && t.id === tenant)
    : undefined;
  const merged = deepMerge(defaults ?? {}, isObject(own) ? own.pipeline : undefined);
  return stringifyYaml(merged, { lineWidth: 0 });
}
