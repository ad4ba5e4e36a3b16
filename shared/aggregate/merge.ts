import { mergeSketch } from './safe/distinct.ts';
import type { AggregateSet, CountAggregate, PatternAggregate, Stat } from './types.ts';

/**
 * Associative and commutative merge of partial aggregates (batches, regions). Returns a new set; the inputs are
 * not modified and share no mutable object with the result. Counts, bytes and stat count/sum add, stat min/max
 * take the extreme, a pattern keeps the lexicographically smallest example.
 *
 * The pattern cap (`maxPerWindow`) is applied by each `Aggregator`, not here: merging sets that each hold the cap
 * may hold more templates for one window. With no window over the cap, aggregating a stream in chunks and merging
 * equals aggregating it at once.
 */
export function mergeAggregates(a: AggregateSet, b: AggregateSet): AggregateSet {
  const counts = new Map<string, CountAggregate>();
  for (const [id, c] of a.counts) counts.set(id, cloneCount(c));
  for (const [id, c] of b.counts) {
    const into = counts.get(id);
    if (into === undefined) counts.set(id, cloneCount(c));
    else addCount(into, c);
  }
  const patterns = new Map<string, PatternAggregate>();
  for (const [id, p] of a.patterns) patterns.set(id, clonePattern(p));
  for (const [id, p] of b.patterns) {
    const into = patterns.get(id);
    if (into === undefined) patterns.set(id, clonePattern(p));
    else addPattern(into, p);
  }
  return { counts, patterns };
}

/** Two partial counts of the same key merged into a new aggregate (the inputs are not modified). */
export function mergeCount(a: CountAggregate, b: CountAggregate): CountAggregate {
  const into = cloneCount(a);
  addCount(into, b);
  return into;
}

/** Two partial patterns of the same key merged into a new aggregate (the inputs are not modified). */
export function mergePattern(a: PatternAggregate, b: PatternAggregate): PatternAggregate {
  const into = clonePattern(a);
  addPattern(into, b);
  return into;
}

function addPattern(into: PatternAggregate, p: PatternAggregate): void {
  into.count += p.count;
  if (p.example < into.example) into.example = p.example;
  if (p.distinct) into.distinct = mergeSketch(into.distinct ?? [], p.distinct);
}

function clonePattern(p: PatternAggregate): PatternAggregate {
  return p.distinct ? { ...p, distinct: [...p.distinct] } : { ...p };
}

function cloneCount(c: CountAggregate): CountAggregate {
  const stats: Record<string, Stat> = {};
  for (const name in c.stats) stats[name] = { ...c.stats[name]! };
  return { ...c, dims: { ...c.dims }, stats };
}

function addCount(into: CountAggregate, c: CountAggregate): void {
  into.count += c.count;
  into.bytes += c.bytes;
  for (const name in c.stats) {
    const s = c.stats[name]!;
    const t = into.stats[name];
    if (t === undefined) {
      into.stats[name] = { ...s };
    } else {
      t.count += s.count;
      t.sum += s.sum;
      if (s.min < t.min) t.min = s.min;
      if (s.max > t.max) t.max = s.max;
    }
  }
}
