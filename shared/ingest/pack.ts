import { gzip } from 'node:zlib';
import { ENVELOPE_HEADER, ENVELOPE_TARGET_BYTES, encodeEnvelope, gzipEnvelope } from '../record/envelope.ts';
import type { LogRecord } from '../record/record.ts';
import { serializeRecord } from '../record/serialize.ts';

export interface StreamEntry {
  /** A sluice envelope (`decodeEnvelope` reads it back). */
  data: Uint8Array;
  partitionKey: string;
  /** Records `[from, to)` of the request are in this entry (except any refused as oversized). */
  from: number;
  to: number;
}

export interface Packed {
  entries: StreamEntry[];
  /** Indexes of records whose envelope alone would exceed `maxRecordBytes`: refused, not written. */
  oversized: number[];
}

const q = JSON.stringify;

/**
 * Same JSON as `serializeRecord` (same keys, same order: `parseSerialized` reads it back), built from pieces: the
 * request's tenant and region are encoded once, and no intermediate object is allocated per record. Serialization
 * is the largest cost of the ingest path.
 */
export function recordSerializer(tenant: string, region: string): (r: LogRecord) => string {
  const fixed = `,"tenant":${q(tenant)},"region":${q(region)},"service":`;
  return (r) => {
    if (r.tenant !== tenant || r.region !== region) return serializeRecord(r);
    const i = r.ingest;
    return (
      `{"timestamp":"${new Date(r.timestamp).toISOString()}"${fixed}${q(r.service)},"level":${q(r.level)},` +
      `"message":${q(r.message)},"attributes":${q(r.attributes)},"ingest":{"receivedAt":${q(i.receivedAt)},` +
      `"protocol":${q(i.protocol)},"id":${q(i.id)}}}`
    );
  };
}

/** Kinesis partition keys are at most 256 Unicode characters. */
const MAX_PARTITION_KEY = 256;

/**
 * Serializes each record once and packs them, in order, into envelopes like `packRecords` does (one tenant per
 * request, so one per envelope), while refusing single records that no Kinesis record could hold. The partition key
 * is the envelope's first record id: unique per envelope, and Kinesis MD5-hashes it, so envelopes spread evenly
 * over the shards.
 */
export function packForStream(
  records: readonly LogRecord[],
  maxRecordBytes: number,
  targetBytes = ENVELOPE_TARGET_BYTES,
): Packed {
  const entries: StreamEntry[] = [];
  const oversized: number[] = [];
  const header = ENVELOPE_HEADER.length + 1;
  let lines: string[] = [];
  let size = header;
  let from = 0;
  const first = records[0];
  const serialize = first ? recordSerializer(first.tenant, first.region) : serializeRecord;
  const flush = (to: number) => {
    if (lines.length > 0) {
      const key = records[from]!.ingest.id.slice(0, MAX_PARTITION_KEY) || String(from);
      entries.push({ data: encodeEnvelope(lines), partitionKey: key, from, to });
    }
    lines = [];
    size = header;
    from = to;
  };
  for (let i = 0; i < records.length; i++) {
    const line = serialize(records[i]!);
    // A UTF-16 unit is at most 3 UTF-8 bytes: count bytes exactly only for lines that might be over the limit.
    const units = line.length;
    if (units * 3 + header > maxRecordBytes && Buffer.byteLength(line) + header > maxRecordBytes) {
      oversized.push(i);
      continue;
    }
    // The envelope target is soft (units, not bytes); the producer sizes PutRecords calls by real bytes.
    if (lines.length > 0 && size + units + 1 > targetBytes) flush(i);
    if (lines.length === 0) from = i;
    lines.push(line);
    size += units + 1;
  }
  flush(records.length);
  return { entries, oversized };
}

/**
 * gzip level 1: on the bench corpus's 64 KiB envelopes it leaves ~0.26 bytes per byte of lines against ~0.20 at
 * level 6 and ~0.24 for brotli quality 1, at 3–6× level 6's speed (bench/ingest.ts prints the stream ratio it
 * gets). zstd would suit better but Node 20 has none.
 */
export const ENVELOPE_GZIP_LEVEL = 1;

/**
 * The same entries with each envelope compressed (`{"sluice":2,"z":"gzip"}` + gzip of its lines). zlib's async
 * form runs on libuv's thread pool, so a request's envelopes compress in parallel, off the thread that parses the
 * next request.
 */
export async function compressPacked(packed: Packed, level = ENVELOPE_GZIP_LEVEL): Promise<Packed> {
  const entries = await Promise.all(
    packed.entries.map(async (e) => ({ ...e, data: gzipEnvelope(await gzipLines(e.data, level)) })),
  );
  return { entries, oversized: packed.oversized };
}

const HEADER_BYTES = ENVELOPE_HEADER.length + 1;

function gzipLines(plain: Uint8Array, level: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    gzip(plain.subarray(HEADER_BYTES), { level }, (err, out) => (err ? reject(err) : resolve(out)));
  });
}
