import { gunzipSync } from 'node:zlib';
import type { LogRecord } from './record.ts';
import { parseSerialized, serializeRecord } from './serialize.ts';

/**
 * How the ingest function packs normalized records into one Kinesis record: a header line, then one serialized
 * record per line. Packing keeps small log lines from paying a whole PutRecords entry and a 1,000 records/s shard
 * slot each (https://docs.aws.amazon.com/streams/latest/dev/service-sizes-and-limits.html); one envelope holds one
 * tenant's records, in request order.
 */
export const ENVELOPE_HEADER = '{"sluice":1}';

/**
 * A compressed envelope: this header line, then the gzip of the record lines (`lines.join('\n')`). The plain
 * header keeps the form recognisable (a bare gzip payload is a foreign producer's, e.g. CloudWatch Logs), and
 * version-1 envelopes written before compression stay readable.
 */
export const GZIP_ENVELOPE_HEADER = '{"sluice":2,"z":"gzip"}';

/** Kinesis records are ≤ 1 MiB and envelopes pack ~64 KiB of lines: 16 MiB inflated is ample, and bounds a bomb. */
export const MAX_INFLATED_ENVELOPE_BYTES = 16 * 1024 * 1024;

/** Envelope size the producer aims for: a PUT payload unit is 25 KB; a few units per entry keeps entries few. */
export const ENVELOPE_TARGET_BYTES = 64 * 1024;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function encodeEnvelope(lines: readonly string[]): Uint8Array {
  return encoder.encode(`${ENVELOPE_HEADER}\n${lines.join('\n')}`);
}

/** Serializes records into envelopes of at most `targetBytes` each (a single larger record gets its own). */
export function packRecords(
  records: readonly LogRecord[],
  targetBytes = ENVELOPE_TARGET_BYTES,
): Uint8Array[] {
  const out: Uint8Array[] = [];
  let lines: string[] = [];
  let size = ENVELOPE_HEADER.length;
  for (const r of records) {
    const line = serializeRecord(r);
    const bytes = Buffer.byteLength(line) + 1;
    if (lines.length > 0 && size + bytes > targetBytes) {
      out.push(encodeEnvelope(lines));
      lines = [];
      size = ENVELOPE_HEADER.length;
    }
    lines.push(line);
    size += bytes;
  }
  if (lines.length > 0) out.push(encodeEnvelope(lines));
  return out;
}

const GZIP_PREFIX = encoder.encode(`${GZIP_ENVELOPE_HEADER}\n`);

/** A compressed envelope from the gzip of its lines joined by `\n` (shared/ingest/pack.ts compresses them). */
export function gzipEnvelope(gzippedLines: Uint8Array): Uint8Array {
  const out = new Uint8Array(GZIP_PREFIX.length + gzippedLines.length);
  out.set(GZIP_PREFIX, 0);
  out.set(gzippedLines, GZIP_PREFIX.length);
  return out;
}

function startsWith(data: Uint8Array, header: string): boolean {
  if (data.length < header.length) return false;
  for (let i = 0; i < header.length; i++) if (data[i] !== header.charCodeAt(i)) return false;
  return true;
}

export function isGzipEnvelope(data: Uint8Array): boolean {
  return startsWith(data, `${GZIP_ENVELOPE_HEADER}\n`);
}

/** Either form: plain (version 1) or gzip (version 2). */
export function isEnvelope(data: Uint8Array): boolean {
  return startsWith(data, ENVELOPE_HEADER) || isGzipEnvelope(data);
}

/**
 * Throws (TypeError / SyntaxError, zlib errors; RangeError ERR_BUFFER_TOO_LARGE past `maxInflatedBytes`) on
 * anything that is not a well-formed envelope: a poison record.
 */
export function decodeEnvelope(
  data: Uint8Array,
  maxInflatedBytes = MAX_INFLATED_ENVELOPE_BYTES,
): LogRecord[] {
  if (isGzipEnvelope(data)) {
    const lines = gunzipSync(data.subarray(GZIP_PREFIX.length), { maxOutputLength: maxInflatedBytes });
    return decodeLines(decoder.decode(lines), 0);
  }
  if (!isEnvelope(data)) throw new TypeError('not a sluice envelope');
  const text = decoder.decode(data);
  const start = text.indexOf('\n') + 1;
  if (start === 0) return [];
  return decodeLines(text, start);
}

function decodeLines(text: string, from: number): LogRecord[] {
  const records: LogRecord[] = [];
  let start = from;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    if (end > start) records.push(parseSerialized(text.slice(start, end)));
    start = end + 1;
  }
  return records;
}
