import type { AggregateSet, PatternAggregate } from '../shared/aggregate/types.ts';
import type { BatchStats } from '../shared/pipeline/batch-result.ts';

function byCount(counts: Readonly<Record<string, number>>): string {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return entries.length === 0 ? 'none' : entries.map(([k, n]) => `${k} ${n}`).join(', ');
}

/** Patterns summed over windows and services' windows, most frequent first. */
export function topPatterns(aggregates: AggregateSet, limit: number): PatternAggregate[] {
  const merged = new Map<string, PatternAggregate>();
  for (const p of aggregates.patterns.values()) {
    const key = `${p.service}\u0000${p.template}`;
    const seen = merged.get(key);
    if (seen) seen.count += p.count;
    else merged.set(key, { ...p });
  }
  return [...merged.values()]
    .sort((a, b) => b.count - a.count || a.template.localeCompare(b.template))
    .slice(0, limit);
}

/** The human summary `sluice process` prints on stderr. */
export function formatSummary(stats: BatchStats, aggregates: AggregateSet): string {
  const dropped = Object.values(stats.dropped).reduce((a, b) => a + b, 0) - stats.suppressed;
  const lines = [
    `records in ${stats.in}, out ${stats.out}, dropped ${dropped}, suppressed ${stats.suppressed}`,
    `dropped by reason: ${byCount(stats.dropped)}`,
    `masked by detector: ${byCount(stats.masked)}`,
  ];
  const patterns = topPatterns(aggregates, 5);
  if (patterns.length > 0) {
    lines.push('top patterns:');
    for (const p of patterns) lines.push(`  ${String(p.count).padStart(7)}  ${p.service}  ${p.template}`);
  }
  return `${lines.join('\n')}\n`;
}
