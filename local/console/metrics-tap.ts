import { PROCESS_METRICS as M } from '../../shared/runtime/telemetry.ts';
import { byDimension, type MetricTotals } from '../metrics-recorder.ts';

/** Counters since the stack started, from the processor's metrics (what CloudWatch gets as EMF in AWS). */
export interface LiveTotals {
  recordsIn: number;
  /** Kept records written to the bucket (`RecordsOut`). */
  recordsStored: number;
  recordsDropped: number;
  valuesMasked: number;
  recordsFailed: number;
  batchesRetried: number;
  droppedByReason: Record<string, number>;
  maskedByDetector: Record<string, number>;
  failedByReason: Record<string, number>;
}

/** Per-second rates, one column per series (uPlot's data layout); `t` in epoch seconds. */
export interface LiveSeries {
  t: number[];
  in: number[];
  stored: number[];
  dropped: number[];
  masked: number[];
  failed: number[];
}

export interface MetricsTap {
  totals(): LiveTotals;
  series(): LiveSeries;
  stop(): void;
}

const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);

export function liveTotals(t: MetricTotals): LiveTotals {
  const droppedByReason = byDimension(t, M.dropped);
  const maskedByDetector = byDimension(t, M.masked);
  const failedByReason = byDimension(t, M.failed);
  return {
    recordsIn: t[M.recordsIn] ?? 0,
    recordsStored: t[M.recordsOut] ?? 0,
    recordsDropped: sum(droppedByReason),
    valuesMasked: sum(maskedByDetector),
    recordsFailed: sum(failedByReason),
    batchesRetried: t[M.batchRetried] ?? 0,
    droppedByReason,
    maskedByDetector,
    failedByReason,
  };
}

export interface MetricsTapOptions {
  /** Sample period; the page polls at the same pace. Default 2 s. */
  intervalMs?: number;
  /** Points kept per series (default 180: six minutes at 2 s). */
  points?: number;
  now?: () => number;
}

/**
 * Samples the metric totals on a timer and keeps the recent per-second rates, as a CloudWatch graph of the
 * processor's metrics would show them (so a retried batch counts twice here too).
 */
export function createMetricsTap(read: () => MetricTotals, o: MetricsTapOptions = {}): MetricsTap {
  const intervalMs = o.intervalMs ?? 2000;
  const points = o.points ?? 180;
  const now = o.now ?? Date.now;
  const series: LiveSeries = { t: [], in: [], stored: [], dropped: [], masked: [], failed: [] };
  let last = liveTotals(read());
  let lastAt = now();
  const sample = () => {
    const current = liveTotals(read());
    const at = now();
    const seconds = Math.max((at - lastAt) / 1000, 0.001);
    const rate = (a: number, b: number) => Math.max(0, Math.round(((a - b) / seconds) * 10) / 10);
    series.t.push(Math.round(at / 1000));
    series.in.push(rate(current.recordsIn, last.recordsIn));
    series.stored.push(rate(current.recordsStored, last.recordsStored));
    series.dropped.push(rate(current.recordsDropped, last.recordsDropped));
    series.masked.push(rate(current.valuesMasked, last.valuesMasked));
    series.failed.push(rate(current.recordsFailed, last.recordsFailed));
    if (series.t.length > points) for (const s of Object.values(series)) s.shift();
    last = current;
    lastAt = at;
  };
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  return {
    totals: () => liveTotals(read()),
    series: () => structuredClone(series),
    stop: () => clearInterval(timer),
  };
}
