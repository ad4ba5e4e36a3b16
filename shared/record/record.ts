import type { Level } from './level.ts';

/** How a record reached sluice; stamped by the ingest function, never taken from the client. */
export interface IngestMetadata {
  /** Epoch milliseconds at which the ingest endpoint received the request. */
  receivedAt: number;
  /** Wire protocol: `ndjson`, `otlp`, `hec`, `es-bulk`, `firehose`, `syslog`, `text`, `cli`, … */
  protocol: string;
  /** Stable id stamped once at ingestion; survives redrive so effects are never applied twice. */
  id: string;
}

/**
 * The one normalized record every stage works on. Known fields are lifted to the top level; every other field the
 * shipper sent is kept, unchanged, under `attributes`.
 */
export interface LogRecord {
  /** Event time, epoch milliseconds (UTC). Falls back to the receive time when the shipper sent none. */
  timestamp: number;
  tenant: string;
  /** Residency region name (a key of `regions` in the config), not the AWS region. */
  region: string;
  service: string;
  level: Level;
  message: string;
  attributes: Record<string, unknown>;
  ingest: IngestMetadata;
}

/** The JSON shape of a record in S3 and on stdout: timestamp as RFC 3339 for Athena and humans. */
export interface SerializedRecord extends Omit<LogRecord, 'timestamp'> {
  timestamp: string;
}
