import type { AggregateSet } from '../aggregate/types.ts';
import type { LogRecord } from '../record/record.ts';

/** A kept, masked record with its serialized line (what goes to S3 / stdout). */
export interface Output {
  /** Index of the input record it came from; -1 for summary records the pipeline made (suppression). */
  index: number;
  record: LogRecord;
  /** `serializeRecord(record)`, without a newline. */
  line: string;
}

export interface BatchStats {
  in: number;
  out: number;
  /** Drops by reason: `level`, a drop rule's name, `sample:<name>`, `throttle:<name>`, `suppress:<name>`. */
  dropped: Record<string, number>;
  /** Records held back by suppression (also counted in `dropped` under `suppress:<name>`). */
  suppressed: number;
  /** Values masked, by detector (`email`, `card`, …), `sensitiveKey` (key-name rule) or `allowList`. */
  masked: Record<string, number>;
  /** Records aggregated at their receive time, their own being out of bounds (safe/event-time.ts); absent = 0. */
  clampedTimestamps?: number;
}

export interface BatchResult {
  outputs: Output[];
  stats: BatchStats;
  aggregates: AggregateSet;
}

export function emptyStats(): BatchStats {
  return { in: 0, out: 0, dropped: {}, suppressed: 0, masked: {} };
}

export function addCounts(into: Record<string, number>, from: Readonly<Record<string, number>>): void {
  for (const k in from) into[k] = (into[k] ?? 0) + (from[k] ?? 0);
}

/** Sums stats of several batches (CLI summaries, demo output, metrics). */
export function mergeStats(a: BatchStats, b: BatchStats): BatchStats {
  const out = {
    in: a.in + b.in,
    out: a.out + b.out,
    dropped: { ...a.dropped },
    suppressed: a.suppressed + b.suppressed,
    masked: { ...a.masked },
  };
  addCounts(out.dropped, b.dropped);
  addCounts(out.masked, b.masked);
  const clamped = (a.clampedTimestamps ?? 0) + (b.clampedTimestamps ?? 0);
  return clamped > 0 ? { ...out, clampedTimestamps: clamped } : out;
}
