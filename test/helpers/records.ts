import type { LogRecord } from '../../shared/record/record.ts';

/** 2026-11-22T10:00:00Z, aligned to every window size up to an hour. */
export const T0 = Date.UTC(2026, 10, 22, 10, 0, 0);

let seq = 0;

/**
 * A valid, normalized LogRecord with plain defaults (tenant `acme`, region `eu`, service `checkout`, level `info`,
 * timestamp `T0`). `overrides` replace top-level fields; `attributes` and `ingest` replace whole objects unless
 * given partially through `ingest`, which is merged over the defaults. Each call gets a distinct `ingest.id`.
 */
export function makeRecord(
  overrides: Partial<Omit<LogRecord, 'ingest'>> & { ingest?: Partial<LogRecord['ingest']> } = {},
): LogRecord {
  const { ingest, ...rest } = overrides;
  const timestamp = rest.timestamp ?? T0;
  return {
    timestamp,
    tenant: 'acme',
    region: 'eu',
    service: 'checkout',
    level: 'info',
    message: 'order placed',
    attributes: {},
    ...rest,
    ingest: { receivedAt: timestamp, protocol: 'test', id: `rec-${++seq}`, ...ingest },
  };
}

/** `n` records from `makeRecord`, each `stepMs` after the previous one; `each(i)` gives per-record overrides. */
export function makeRecords(
  n: number,
  each: (i: number) => Parameters<typeof makeRecord>[0] = () => ({}),
  stepMs = 1000,
): LogRecord[] {
  return Array.from({ length: n }, (_, i) => makeRecord({ timestamp: T0 + i * stepMs, ...each(i) }));
}
