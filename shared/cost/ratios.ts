import { z } from 'zod';

/**
 * The measured ratios the cost model multiplies by. The benches write the ones they measure to a small results file
 * (`bench/results.json`: `npm run bench:ingest`, `npm run bench:process`); anything not measured falls back to the
 * default below, and the model's assumptions say which is which.
 */
export interface Ratios {
  /** Kinesis bytes per raw log byte (envelopes, normalized records, compression): bench:ingest. */
  streamBytesPerRawByte: number;
  /** Raw bytes a Kinesis record (one envelope) holds: envelopes pack log lines up to this size before compression. */
  envelopeRawBytes: number;
  /** Processor throughput on one core of the bench machine, MiB of raw lines per second: bench:process. */
  processMiBps: number;
  /** Ingest handler throughput on one core, MiB/s of request bodies: bench:ingest. */
  ingestMiBps: number;
  /** Aggregate writes (UpdateItem calls) per processor batch: bench:process (per 10,000 records). */
  aggregateWritesPerBatch: number;
  /** Write request units per aggregate write (items over 1 KB cost more). */
  writeUnitsPerWrite: number;
  /**
   * Global-table writes per aggregation window once batches write a regional table and a roll-up writes the global
   * one ([residency]); absent: every batch writes the global table itself (today's path).
   */
  globalWritesPerWindow?: number;
  /** S3 bytes per raw byte (gzip NDJSON objects). */
  s3BytesPerRawByte: number;
}

export const DEFAULT_RATIOS: Ratios = {
  streamBytesPerRawByte: 1.2,
  envelopeRawBytes: 64 * 1024,
  processMiBps: 25,
  ingestMiBps: 60,
  aggregateWritesPerBatch: 30,
  writeUnitsPerWrite: 1,
  s3BytesPerRawByte: 0.1,
};

const positive = z.number().positive();

/** What a results file may hold: each bench adds its keys; unknown keys are kept for the reader, not used. */
export const resultsSchema = z.looseObject({
  streamBytesPerRawByte: positive.optional(),
  envelopeRawBytes: positive.optional(),
  processMiBps: positive.optional(),
  ingestMiBps: positive.optional(),
  aggregateWritesPerBatch: positive.optional(),
  writeUnitsPerWrite: positive.optional(),
  globalWritesPerWindow: z.number().min(0).optional(),
  s3BytesPerRawByte: positive.optional(),
});
export type BenchResults = z.infer<typeof resultsSchema>;

export interface ResolvedRatios {
  ratios: Ratios;
  /** Per ratio: "measured" (from the results file) or "default". */
  source: Record<keyof Ratios, 'measured' | 'default'>;
}

export function resolveRatios(results: BenchResults | undefined): ResolvedRatios {
  const ratios: Ratios = { ...DEFAULT_RATIOS };
  const source = {} as Record<keyof Ratios, 'measured' | 'default'>;
  const keys = [...Object.keys(DEFAULT_RATIOS), 'globalWritesPerWindow'] as (keyof Ratios)[];
  for (const k of keys) {
    const v = results?.[k];
    if (typeof v === 'number') {
      ratios[k] = v;
      source[k] = 'measured';
    } else if (k in DEFAULT_RATIOS) source[k] = 'default';
  }
  return { ratios, source };
}
