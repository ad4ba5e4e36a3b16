import type { FilterConfig } from '../config/schema.ts';
import type { Level } from '../record/level.ts';
import type { LogRecord } from '../record/record.ts';
import { compilePath, type FieldGetter, valueText } from './field-path.ts';

export type RateVerdict = { keep: true } | { keep: false; reason: string; suppressed: boolean };

/** `ingest.protocol` of the summary records suppression emits. */
export const SUMMARY_PROTOCOL = 'sluice-summary';

/**
 * Periods whose end lies this far behind the newest event time seen are forgotten (their counters dropped, their
 * suppression summaries kept for `flush`). Records arriving later than this for such a period start a fresh count.
 */
export const LATENESS_MS = 5 * 60_000;

/**
 * Distinct keys tracked per rule. Beyond it, records with a new key pass uncounted: the limiter fails open
 * rather than dropping what it cannot count, and memory stays bounded on high-cardinality keys.
 */
export const MAX_KEYS_PER_RULE = 100_000;

const KEEP: RateVerdict = Object.freeze({ keep: true });

interface Bucket {
  admitted: number;
  suppressed: number;
  /** Offer sequence number and record of the first suppressed record (summary identity and fields). */
  firstSeq: number;
  first: LogRecord | undefined;
  keyText: string;
}

/** One level per key field, keyed by the field's text; the last level holds the buckets. */
type KeyNode = Map<string, KeyNode | Bucket>;

interface Period {
  root: KeyNode;
  /** Buckets under `root`. */
  size: number;
}

interface PendingSummary {
  rule: Rule;
  period: number;
  keyText: string;
  suppressed: number;
  firstSeq: number;
  first: LogRecord;
}

interface Rule {
  index: number;
  name: string;
  getters: FieldGetter[];
  max: number;
  periodMs: number;
  summarize: boolean;
  verdict: RateVerdict;
  /** period → key trie. Keyed by the records' own strings: no key string is built per record. */
  periods: Map<number, Period>;
  keys: number;
}

/**
 * Stateful: suppression of repeats and per-key throttling, in event time (record timestamps), so a batch gives the
 * same answer however often it is replayed. One instance per batch or per CLI run.
 *
 * Rules apply in order, suppression rules first, then throttle rules; the first rule that refuses a record drops it
 * and later rules do not count it. A period is `floor(timestamp / periodSeconds)`; a missing key field counts as
 * `-`. Records that a keep rule forced are never offered (the pipeline skips them).
 */
export class RateLimiter {
  readonly #rules: Rule[];
  readonly #pending = new Map<string, PendingSummary>();
  #seq = 0;
  #newest = Number.NEGATIVE_INFINITY;
  #nextSweep = Number.NEGATIVE_INFINITY;

  constructor(config: FilterConfig) {
    const rule = (
      r: FilterConfig['suppress'][number],
      index: number,
      summarize: boolean,
      reason: string,
    ): Rule => ({
      index,
      name: r.name,
      getters: r.key.map(compilePath),
      max: r.max,
      periodMs: r.periodSeconds * 1000,
      summarize,
      verdict: Object.freeze({ keep: false, reason, suppressed: summarize }),
      periods: new Map(),
      keys: 0,
    });
    this.#rules = [
      ...config.suppress.map((r, i) => rule(r, i, true, `suppress:${r.name}`)),
      ...config.throttle.map((r, i) => rule(r, config.suppress.length + i, false, `throttle:${r.name}`)),
    ];
  }

  offer(record: LogRecord): RateVerdict {
    const ts = record.timestamp;
    // A record with no usable time belongs to no period: it passes uncounted (normalize never produces one).
    if (this.#rules.length === 0 || !Number.isFinite(ts)) return KEEP;
    const seq = this.#seq++;
    if (ts > this.#newest) {
      this.#newest = ts;
      if (ts >= this.#nextSweep) this.#sweep();
    }
    for (const rule of this.#rules) {
      const period = Math.floor(ts / rule.periodMs);
      let state = rule.periods.get(period);
      if (state === undefined) {
        state = { root: new Map(), size: 0 };
        rule.periods.set(period, state);
      }
      const getters = rule.getters;
      let node = state.root;
      const last = getters.length - 1;
      for (let g = 0; g < last; g++) {
        const text = valueText(getters[g]!(record)) ?? MISSING;
        let next = node.get(text) as KeyNode | undefined;
        if (next === undefined) {
          next = new Map();
          node.set(text, next);
        }
        node = next;
      }
      const leaf = valueText(getters[last]!(record)) ?? MISSING;
      let bucket = node.get(leaf) as Bucket | undefined;
      if (bucket === undefined) {
        if (rule.keys >= MAX_KEYS_PER_RULE) continue;
        bucket = { admitted: 0, suppressed: 0, firstSeq: -1, first: undefined, keyText: '' };
        node.set(leaf, bucket);
        state.size++;
        rule.keys++;
      }
      if (bucket.admitted < rule.max) {
        bucket.admitted++;
        continue;
      }
      if (rule.summarize) {
        if (bucket.suppressed++ === 0) {
          bucket.firstSeq = seq;
          bucket.first = record;
          bucket.keyText = displayKey(rule.getters, record);
        }
      }
      return rule.verdict;
    }
    return KEEP;
  }

  /**
   * Summary records ("K records suppressed for key X"), one per rule, key and period that suppressed anything, in
   * the order of each one's first suppressed record. Resets the limiter.
   */
  flush(): LogRecord[] {
    for (const rule of this.#rules) {
      for (const [period, state] of rule.periods) this.#retire(rule, period, state);
      rule.periods.clear();
      rule.keys = 0;
    }
    const pending = [...this.#pending.values()].sort((a, b) => a.firstSeq - b.firstSeq);
    this.#pending.clear();
    this.#seq = 0;
    this.#newest = Number.NEGATIVE_INFINITY;
    this.#nextSweep = Number.NEGATIVE_INFINITY;
    return pending.map(summaryRecord);
  }

  /** Forgets periods that ended more than LATENESS_MS before the newest event; runs at most every LATENESS_MS/2. */
  #sweep(): void {
    const newest = this.#newest;
    for (const rule of this.#rules) {
      for (const [period, state] of rule.periods) {
        if ((period + 1) * rule.periodMs + LATENESS_MS > newest) continue;
        this.#retire(rule, period, state);
        rule.periods.delete(period);
        rule.keys -= state.size;
      }
    }
    this.#nextSweep = newest + LATENESS_MS / 2;
  }

  /** Moves a period's suppression counts to the pending summaries (merging with an earlier retirement of it). */
  #retire(rule: Rule, period: number, state: Period): void {
    if (!rule.summarize || state.size === 0) return;
    const visit = (node: KeyNode, depth: number, path: string): void => {
      const leaves = depth === rule.getters.length - 1;
      for (const [text, child] of node) {
        // Length-prefixed parts: an unambiguous identity of the key for merging late retirements.
        const key = `${path}${text.length}:${text}`;
        if (!leaves) {
          visit(child as KeyNode, depth + 1, key);
          continue;
        }
        const bucket = child as Bucket;
        if (bucket.suppressed === 0 || bucket.first === undefined) continue;
        const id = `${rule.index}:${period}:${key}`;
        const seen = this.#pending.get(id);
        if (seen) {
          seen.suppressed += bucket.suppressed;
          continue;
        }
        this.#pending.set(id, {
          rule,
          period,
          keyText: bucket.keyText,
          suppressed: bucket.suppressed,
          firstSeq: bucket.firstSeq,
          first: bucket.first,
        });
      }
    };
    visit(state.root, 0, '');
  }
}

/** Text of a missing key field. */
const MISSING = '-';

/** The key as people read it in the summary message: the values joined with `, `. */
function displayKey(getters: readonly FieldGetter[], record: LogRecord): string {
  return getters.map((get) => valueText(get(record)) ?? MISSING).join(', ');
}

function summaryRecord(s: PendingSummary): LogRecord {
  const periodStart = s.period * s.rule.periodMs;
  const level: Level = s.first.level;
  return {
    // Last millisecond of the period: the summary falls in the same period (and aggregate window) it describes.
    timestamp: periodStart + s.rule.periodMs - 1,
    tenant: s.first.tenant,
    region: s.first.region,
    service: s.first.service,
    level,
    message: `${s.suppressed} records suppressed for key ${s.keyText}`,
    attributes: {
      suppressed: s.suppressed,
      suppressRule: s.rule.name,
      suppressKey: s.keyText,
      periodStart: isoOrNumber(periodStart),
    },
    ingest: {
      receivedAt: s.first.ingest.receivedAt,
      protocol: SUMMARY_PROTOCOL,
      // Derived from the first suppressed record's stable id, so a replayed batch yields the same summary id.
      id: `${s.first.ingest.id}:suppress:${s.rule.name}`,
    },
  };
}

/** RFC 3339 like every record time; a timestamp outside the Date range stays a number rather than throwing. */
function isoOrNumber(ms: number): string | number {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? ms : date.toISOString();
}
