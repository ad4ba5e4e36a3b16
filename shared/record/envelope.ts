import type { LogRecord } from './record.ts';
import { parseSerialized, serializeRecord } from './serialize.ts';

/**
 * How the ingest function packs normalized records into one Kinesis record: a header line, then one serialized
 * record per line. Packing keeps small log lines from paying a whole PutRecords entry and a 1,000 records/s shard
 * slot each (https://docs.aws.amazon.com/streams/latest/dev/service-sizes-and-limits.html); one envelope holds one
 * tenant's records, in request order.
 */
export const ENVELOPE_HEADER = '{"sluice":1}';

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

export function isEnvelope(data: Uint8Array): boolean {
  if (data.length < ENVELOPE_HEADER.length) return false;
  for (let i = 0; i < ENVELOPE_HEADER.length; i++)
    if (data[i] !== ENVELOPE_HEADER.charCodeAt(i)) return false;
  return true;
}

/** Throws (TypeError / SyntaxError) on anything that is not a well-formed envelope: a poison record. */
export function decodeEnvelope(data: Uint8Array): LogRecord[] {
  if (!isEnvelope(data)) throw new TypeError('not a sluice envelope');
  const text = decoder.decode(data);
  const records: LogRecord[] = [];
  let start = text.indexOf('\n') + 1;
  if (start === 0) return records;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    if (end > start) records.push(parseSerialized(text.slice(start, end)));
    start = end + 1;
  }
  return records;
}
