import type { AggregateConfig } from '../../config/schema.ts';
import { mergeCount } from '../merge.ts';
import { OTHER_TEMPLATE } from '../template.ts';
import type { CountAggregate, PatternAggregate, Stat } from '../types.ts';
import { type DimensionRules, OTHER_VALUE, safeDimension, safeService } from './dimensions.ts';
import { mergeSketch } from './distinct.ts';
import { round3 } from './round.ts';
import { safeTemplate } from './template.ts';

/** What of one (tenant, region, window) may replicate: see docs/residency.md. */
export interface SafeWindow {
  counts: CountAggregate[];
  /** Examples are empty: they stay in the home region. */
  patterns: PatternAggregate[];
}

/**
 * Count entries per rolled-up item beyond which the smallest fold into `<other>`: each entry takes ≤ ~1.2 KB
 * (5 dimensions of ≤ 64 characters, 10 stats), so an item stays far below DynamoDB's 400 KB.
 */
export const MAX_COUNT_ENTRIES = 250;
export const MAX_PATTERN_ENTRIES = 500;

export function dimensionRules(config: AggregateConfig, key?: Uint8Array): DimensionRules {
  const values = new Map<string, ReadonlySet<string>>();
  for (const g of config.groupBy) if (typeof g !== 'string') values.set(g.field, new Set(g.values));
  return { ...(config.services && { services: new Set(config.services) }), values, ...(key && { key }) };
}

const dimsKey = (dims: Record<string, string>) =>
  JSON.stringify(
    Object.keys(dims)
      .sort()
      .map((k) => [k, dims[k]]),
  );
const byCount = <T extends { count: number }>(a: T, b: T, ka: string, kb: string) =>
  b.count - a.count || (ka < kb ? -1 : ka > kb ? 1 : 0);

/**
 * Rolls up every regional entry of one (tenant, region, window) into the totals that replicate. Pure and
 * deterministic in the entries (not their order or batching): re-rolling the same regional state writes the same
 * item, so the global write is an idempotent overwrite.
 * - service and dimension values: allow-list or keyed hash (numbers as ranges); per service at most
 *   `maxValuesPerWindow` dimension combinations, the rest `<other>`;
 * - templates: reduced to word shapes, and kept only when ≥ `patterns.minDistinct` distinct messages produced them;
 * - stats: 3 significant digits.
 */
export function rollupWindow(
  counts: readonly CountAggregate[],
  patterns: readonly PatternAggregate[],
  config: AggregateConfig,
  rules: DimensionRules,
): SafeWindow {
  // 1. counts under their safe key
  const merged = new Map<string, CountAggregate>();
  const add = (into: Map<string, CountAggregate>, key: string, c: CountAggregate) => {
    const prev = into.get(key);
    into.set(key, prev ? mergeCount(prev, c) : c);
  };
  for (const c of counts) {
    const service = safeService(c.service, rules);
    const dims: Record<string, string> = {};
    for (const [k, v] of Object.entries(c.dims)) dims[k] = safeDimension(k, v, rules);
    const safe = { ...c, service, dims };
    add(merged, JSON.stringify([service, c.level, dimsKey(dims)]), safe);
  }
  // 2. cardinality: per service the `maxValuesPerWindow` largest dimension combinations, then an item-size cap
  const perService = new Map<string, [string, CountAggregate][]>();
  for (const e of merged) {
    const list = perService.get(e[1].service) ?? [];
    list.push(e);
    perService.set(e[1].service, list);
  }
  const capped = new Map<string, CountAggregate>();
  for (const list of perService.values()) {
    const combos = new Map<string, number>();
    for (const [, c] of list) combos.set(dimsKey(c.dims), (combos.get(dimsKey(c.dims)) ?? 0) + c.count);
    const kept = new Set(
      [...combos]
        .sort((a, b) => byCount({ count: a[1] }, { count: b[1] }, a[0], b[0]))
        .slice(0, config.maxValuesPerWindow)
        .map(([k]) => k),
    );
    for (const [key, c] of list) {
      if (kept.has(dimsKey(c.dims))) add(capped, key, c);
      else {
        const dims = Object.fromEntries(Object.keys(c.dims).map((k) => [k, OTHER_VALUE]));
        add(capped, JSON.stringify([c.service, c.level, dimsKey(dims)]), { ...c, dims });
      }
    }
  }
  const sorted = [...capped].sort((a, b) => byCount(a[1], b[1], a[0], b[0]));
  const out = new Map<string, CountAggregate>(sorted.slice(0, MAX_COUNT_ENTRIES - 6));
  for (const [, c] of sorted.slice(MAX_COUNT_ENTRIES - 6)) {
    const dims = Object.fromEntries(Object.keys(c.dims).map((k) => [k, OTHER_VALUE]));
    add(out, JSON.stringify([OTHER_VALUE, c.level, dimsKey(dims)]), { ...c, service: OTHER_VALUE, dims });
  }
  const safeCounts = [...out.values()].map((c) => ({ ...c, stats: roundStats(c.stats) }));

  // 3. patterns: safe template, distinct messages summed over every regional template reducing to it
  interface Cluster {
    service: string;
    template: string;
    count: number;
    sketch: string[];
  }
  const clusters = new Map<string, Cluster>();
  for (const p of patterns) {
    const service = safeService(p.service, rules);
    const template = safeTemplate(p.template);
    const key = JSON.stringify([service, template]);
    const c = clusters.get(key) ?? { service, template, count: 0, sketch: [] };
    c.count += p.count;
    c.sketch = mergeSketch(c.sketch, p.distinct ?? []);
    clusters.set(key, c);
  }
  const first = patterns[0] ?? counts[0];
  const base = {
    tenant: first?.tenant ?? '',
    region: first?.region ?? '',
    windowStart: first?.windowStart ?? 0,
  };
  const final = new Map<string, PatternAggregate>();
  const addPattern = (service: string, template: string, count: number) => {
    let key = JSON.stringify([service, template]);
    if (!final.has(key) && final.size >= MAX_PATTERN_ENTRIES - 1) {
      [service, template] = [OTHER_VALUE, OTHER_TEMPLATE];
      key = JSON.stringify([service, template]);
    }
    const prev = final.get(key);
    if (prev) prev.count += count;
    else final.set(key, { ...base, service, template, count, example: '' });
  };
  const perServiceTemplates = new Map<string, number>();
  const ordered = [...clusters].sort((a, b) => byCount(a[1], b[1], a[0], b[0]));
  for (const [, c] of ordered) {
    const seen = perServiceTemplates.get(c.service) ?? 0;
    const publish =
      c.template !== OTHER_TEMPLATE &&
      c.sketch.length >= config.patterns.minDistinct &&
      seen < config.patterns.maxPerWindow;
    if (publish) {
      perServiceTemplates.set(c.service, seen + 1);
      addPattern(c.service, c.template, c.count);
    } else addPattern(c.service, OTHER_TEMPLATE, c.count);
  }
  return { counts: safeCounts, patterns: [...final.values()] };
}

function roundStats(stats: Record<string, Stat>): Record<string, Stat> {
  const out: Record<string, Stat> = {};
  for (const [k, s] of Object.entries(stats))
    out[k] = { count: s.count, sum: round3(s.sum), min: round3(s.min), max: round3(s.max) };
  return out;
}
