import type { AggregateConfig } from '../config/schema.ts';
import { compilePath, type FieldGetter, valueText } from '../filter/field-path.ts';
import type { Level } from '../record/level.ts';
import type { LogRecord } from '../record/record.ts';
import { countKeyId, patternKeyId } from './keys.ts';
import { boundValue } from './safe/bounds.ts';
import { addToSketch, messageHash } from './safe/distinct.ts';
import { aggregationTime, type EventTimeBounds } from './safe/event-time.ts';
import { OTHER_TEMPLATE, TEMPLATE_MAX_LENGTH, templateMessage } from './template.ts';
import type { AggregateSet, CountAggregate, PatternAggregate, PatternKey } from './types.ts';

/** Value of a group-by dimension the record does not have. */
export const MISSING_DIM = '-';

/**
 * Pattern examples are cut to this many UTF-16 units (never inside a surrogate pair) to bound item size. Each
 * example is cut once, when added; the aggregator and `mergeAggregates` both keep the smallest cut example, so the
 * result is the same in any batching or merge order.
 */
export const EXAMPLE_MAX_LENGTH = 2 * TEMPLATE_MAX_LENGTH;

const NUMERIC = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** Numbers, or strings that are entirely a decimal number (`"12.5"`, `"1e3"`; not `""`, `"0x10"` or `"12ms"`). */
export function numericValue(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > 64 || !NUMERIC.test(value))
    return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

type DimNode = Map<string, DimNode | CountAggregate>;

/** Whether `template` has its own pattern in the group (tenant, region, service, windowStart). */
export type TemplateAdmission = (group: Omit<PatternKey, 'template'>, template: string) => boolean;

/** Everything of one (tenant, region, service, window): counts by level (and dims), patterns by template. */
interface Group {
  tenant: string;
  region: string;
  service: string;
  windowStart: number;
  /** level → count, or → a trie over the group-by values (in sorted dim order) ending in the count. */
  levels: Map<string, CountAggregate | DimNode>;
  patterns: Map<string, PatternAggregate>;
  /** Distinct templates so far, `<other>` excluded (the cap). */
  templates: number;
}

/**
 * Accumulates masked records into count, stat and pattern aggregates. Records must be masked already (the
 * pipeline masks before it aggregates); nothing here re-expands or stores an unmasked value.
 *
 * Hot path: aggregates are found through nested maps keyed by the record's own strings (no key string is built
 * per record); the `countKeyId` / `patternKeyId` ids are built once, when an aggregate is created.
 * `result()` returns the live set; add nothing after it.
 */
export class Aggregator {
  readonly #windowMs: number;
  readonly #dims: { name: string; get: FieldGetter }[];
  readonly #dimValues: string[];
  readonly #stats: { name: string; get: FieldGetter }[];
  readonly #patterns: boolean;
  readonly #maxPerWindow: number;
  readonly #set: AggregateSet = { counts: new Map(), patterns: new Map() };
  /** tenant → region → service → windowStart → group. */
  readonly #groups = new Map<string, Map<string, Map<string, Map<number, Group>>>>();
  #last: Group | undefined;
  readonly #admit: TemplateAdmission | undefined;
  readonly #eventTime: EventTimeBounds;
  #clamped = 0;

  /**
   * `admit`, when given, replaces the first-come cap: a template gets its own pattern exactly when it says so,
   * the rest count under `<other>`. Re-aggregating part of a batch with the whole batch's decisions makes the
   * parts add up to the whole.
   */
  constructor(config: AggregateConfig, admit?: TemplateAdmission) {
    this.#admit = admit;
    this.#windowMs = config.windowSeconds * 1000;
    // Sorted by name, as in `countKeyId`; duplicates in the config count once.
    this.#dims = [...new Set(config.groupBy.map((g) => (typeof g === 'string' ? g : g.field)))]
      .sort()
      .map((name) => ({ name, get: compilePath(name) }));
    this.#eventTime = config.eventTime;
    this.#dimValues = this.#dims.map(() => MISSING_DIM);
    this.#stats = [...new Set(config.stats)].map((name) => ({ name, get: compilePath(name) }));
    this.#patterns = config.patterns.enabled;
    this.#maxPerWindow = config.patterns.maxPerWindow;
  }

  /** `bytes`: UTF-8 length of the record's serialized line. */
  add(record: LogRecord, bytes: number): void {
    const ts = aggregationTime(record.timestamp, record.ingest.receivedAt, this.#eventTime);
    if (ts !== record.timestamp) this.#clamped++;
    const windowStart = ts - (((ts % this.#windowMs) + this.#windowMs) % this.#windowMs);
    const group = this.#group(record, windowStart);

    const count = this.#count(group, record);
    count.count++;
    count.bytes += bytes;
    for (const field of this.#stats) {
      const value = numericValue(field.get(record));
      if (value === undefined) continue;
      const stat = count.stats[field.name];
      if (stat === undefined) {
        count.stats[field.name] = { count: 1, sum: value, min: value, max: value };
      } else {
        stat.count++;
        stat.sum += value;
        if (value < stat.min) stat.min = value;
        if (value > stat.max) stat.max = value;
      }
    }

    if (this.#patterns) this.#addPattern(group, record.message);
  }

  result(): AggregateSet {
    return this.#set;
  }

  /** Records aggregated at their receive time because their own was out of bounds (metric ClampedTimestamps). */
  get clampedTimestamps(): number {
    return this.#clamped;
  }

  #group(record: LogRecord, windowStart: number): Group {
    const last = this.#last;
    // Bounded before any store: a 450 KB service name must not make an item or update too large.
    const service = boundValue(record.service);
    if (
      last !== undefined &&
      last.windowStart === windowStart &&
      last.service === service &&
      last.tenant === record.tenant &&
      last.region === record.region
    ) {
      return last;
    }
    const regions = child(this.#groups, record.tenant);
    const services = child(regions, record.region);
    const windows = child(services, service);
    let group = windows.get(windowStart);
    if (group === undefined) {
      group = {
        tenant: record.tenant,
        region: record.region,
        service,
        windowStart,
        levels: new Map(),
        patterns: new Map(),
        templates: 0,
      };
      windows.set(windowStart, group);
    }
    this.#last = group;
    return group;
  }

  #count(group: Group, record: LogRecord): CountAggregate {
    const dims = this.#dims;
    const level = record.level;
    if (dims.length === 0) {
      let count = group.levels.get(level) as CountAggregate | undefined;
      if (count === undefined) {
        count = this.#newCount(group, level);
        group.levels.set(level, count);
      }
      return count;
    }
    const values = this.#dimValues;
    for (let i = 0; i < dims.length; i++) {
      const v = valueText(dims[i]!.get(record));
      values[i] = v === undefined ? MISSING_DIM : boundValue(v);
    }
    let node = group.levels.get(level) as DimNode | undefined;
    if (node === undefined) {
      node = new Map();
      group.levels.set(level, node);
    }
    const lastIndex = dims.length - 1;
    for (let i = 0; i < lastIndex; i++) {
      let next = node.get(values[i]!) as DimNode | undefined;
      if (next === undefined) {
        next = new Map();
        node.set(values[i]!, next);
      }
      node = next;
    }
    let count = node.get(values[lastIndex]!) as CountAggregate | undefined;
    if (count === undefined) {
      count = this.#newCount(group, level);
      node.set(values[lastIndex]!, count);
    }
    return count;
  }

  #newCount(group: Group, level: Level): CountAggregate {
    const dims: Record<string, string> = {};
    for (let i = 0; i < this.#dims.length; i++) dims[this.#dims[i]!.name] = this.#dimValues[i]!;
    const count: CountAggregate = {
      tenant: group.tenant,
      region: group.region,
      service: group.service,
      level,
      windowStart: group.windowStart,
      dims,
      count: 0,
      bytes: 0,
      stats: {},
    };
    this.#set.counts.set(countKeyId(count), count);
    return count;
  }

  #addPattern(group: Group, message: string): void {
    let template = templateMessage(message);
    let pattern = group.patterns.get(template);
    const admit = this.#admit;
    if (admit !== undefined) {
      if (template !== OTHER_TEMPLATE && !admit(group, template)) {
        template = OTHER_TEMPLATE;
        pattern = group.patterns.get(template);
      }
    } else if (pattern === undefined && group.templates >= this.#maxPerWindow) {
      template = OTHER_TEMPLATE;
      pattern = group.patterns.get(template);
    }
    const example = exampleOf(message);
    if (pattern === undefined) {
      if (template !== OTHER_TEMPLATE) group.templates++;
      pattern = {
        tenant: group.tenant,
        region: group.region,
        service: group.service,
        windowStart: group.windowStart,
        template,
        count: 0,
        example,
        distinct: [],
      };
      group.patterns.set(template, pattern);
      this.#set.patterns.set(patternKeyId(pattern), pattern);
    } else if (example < pattern.example) {
      pattern.example = example;
    }
    pattern.count++;
    addToSketch(pattern.distinct!, messageHash(message));
  }
}

function child<K, V>(map: Map<K, Map<string, V>>, key: K): Map<string, V>;
function child<K, V>(map: Map<K, Map<number, V>>, key: K): Map<number, V>;
function child<K, V>(map: Map<K, Map<unknown, V>>, key: K): Map<unknown, V> {
  let next = map.get(key);
  if (next === undefined) {
    next = new Map();
    map.set(key, next);
  }
  return next;
}

function exampleOf(message: string): string {
  if (message.length <= EXAMPLE_MAX_LENGTH) return message;
  let cut = EXAMPLE_MAX_LENGTH;
  const before = message.charCodeAt(cut - 1);
  if (before >= 0xd800 && before <= 0xdbff) cut--;
  return message.slice(0, cut);
}
