import type { ProcessMetrics } from '../shared/runtime/telemetry.ts';

/** Counter totals as `.sluice/metrics.json` holds them: `name` or `name|dimension=value` → sum. */
export type MetricTotals = Record<string, number>;

export interface MetricsRecorder extends ProcessMetrics {
  totals(): MetricTotals;
}

/**
 * Sums what the processor reports (the same calls that become CloudWatch EMF metrics in AWS). Like CloudWatch
 * metrics these count per invocation: a retried batch counts again, so they are rates to watch, not an audit; the
 * bucket and the table are the exact record.
 */
export function createMetricsRecorder(): MetricsRecorder {
  const totals: MetricTotals = {};
  const add = (key: string, value: number) => {
    totals[key] = (totals[key] ?? 0) + value;
  };
  return {
    count(name, value, dimension) {
      add(dimension ? `${name}|${dimension.name}=${dimension.value}` : name, value);
    },
    milliseconds(name, value) {
      add(`${name}.count`, 1);
      add(`${name}.sum`, value);
    },
    totals: () => ({ ...totals }),
  };
}

/** `{ reason: n }` for every `name|reason=...` entry. */
export function byDimension(totals: MetricTotals, name: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(totals)) {
    if (!key.startsWith(`${name}|`)) continue;
    out[key.slice(key.indexOf('=') + 1)] = value;
  }
  return out;
}
