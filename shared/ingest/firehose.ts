import { isPlainObject } from '../record/normalize.ts';
import { bytesToText, gunzipCapped } from './decode.ts';
import { MalformedBodyError, TooLargeError } from './errors.ts';
import { firstNonSpace, parseGenericBody } from './generic.ts';
import type { RecordFactory } from './records.ts';

/**
 * `X-Amz-Firehose-Common-Attributes: {"commonAttributes":{"k":"v"}}` (set on the delivery stream) → attributes
 * for every record of the request; undefined when absent or not that shape.
 */
export function firehoseCommonAttributes(header: string | undefined): Record<string, unknown> | undefined {
  if (!header || header.length > 65_536) return undefined;
  try {
    const doc: unknown = JSON.parse(header);
    const attrs = isPlainObject(doc) ? doc['commonAttributes'] : undefined;
    if (!isPlainObject(attrs) || Object.keys(attrs).length === 0) return undefined;
    const out: Record<string, unknown> = {};
    for (const k in attrs) if (k !== '__proto__' && typeof attrs[k] === 'string') out[k] = attrs[k];
    return Object.keys(out).length > 0 ? out : undefined;
  } catch {
    return undefined;
  }
}

export function isFirehoseRequest(doc: unknown): doc is { requestId: unknown; records: unknown[] } {
  return isPlainObject(doc) && typeof doc['requestId'] === 'string' && Array.isArray(doc['records']);
}

/**
 * The whole delivery shape, for bodies that may be one among ordinary logs (`POST /ingest`): a log line may well
 * carry a `requestId` and a `records` array, but not a numeric `timestamp` and only `{data: string}` records.
 */
export function isFirehoseDelivery(doc: unknown): doc is { requestId: string; records: { data: string }[] } {
  return (
    isPlainObject(doc) &&
    typeof doc['timestamp'] === 'number' &&
    isFirehoseRequest(doc) &&
    doc.records.every((r) => isPlainObject(r) && typeof r['data'] === 'string')
  );
}

/** `/aws/lambda/checkout` → `checkout`: the last path segment of a log group names the service best. */
function serviceFromLogGroup(group: string): string {
  const parts = group.split('/').filter((p) => p !== '');
  return parts[parts.length - 1] ?? group;
}

/**
 * A CloudWatch Logs subscription payload: DATA_MESSAGE log events become records carrying `logGroup`/`logStream`;
 * a CONTROL_MESSAGE (the subscription's health check) yields nothing. JSON messages keep their fields.
 */
function cloudWatchLogs(doc: Record<string, unknown>, f: RecordFactory): void {
  if (doc['messageType'] === 'CONTROL_MESSAGE') return;
  const logGroup = typeof doc['logGroup'] === 'string' ? doc['logGroup'] : undefined;
  const logStream = typeof doc['logStream'] === 'string' ? doc['logStream'] : undefined;
  const owner = typeof doc['owner'] === 'string' ? doc['owner'] : undefined;
  const events = doc['logEvents'];
  if (!Array.isArray(events))
    throw new MalformedBodyError('a CloudWatch Logs payload has no logEvents array');
  const service = logGroup ? serviceFromLogGroup(logGroup) : undefined;
  const meta: Record<string, unknown> = {};
  if (logGroup) meta['logGroup'] = logGroup;
  if (logStream) meta['logStream'] = logStream;
  if (owner) meta['owner'] = owner;
  for (const e of events) {
    if (!isPlainObject(e) || typeof e['message'] !== 'string') continue;
    const message = e['message'];
    const timestamp = typeof e['timestamp'] === 'number' ? e['timestamp'] : undefined;
    if (message.charCodeAt(0) === 123) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(message);
      } catch {
        parsed = undefined;
      }
      if (isPlainObject(parsed)) {
        const raw: Record<string, unknown> = timestamp === undefined ? {} : { timestamp };
        for (const k in parsed) if (k !== '__proto__') raw[k in raw ? `message.${k}` : k] = parsed[k];
        for (const k in meta) if (!(k in raw)) raw[k] = meta[k];
        f.object(raw, service ? { defaultService: service } : undefined);
        continue;
      }
    }
    f.fields(
      {
        message: message.endsWith('\n') ? message.slice(0, -1) : message,
        ...(timestamp !== undefined && { timestamp }),
        ...(service !== undefined && { service }),
      },
      { ...meta, ...(typeof e['id'] === 'string' && { eventId: e['id'] }) },
    );
  }
}

/**
 * Firehose HTTP endpoint delivery: `{"requestId", "timestamp", "records": [{"data": base64}]}`. Each record is a
 * gzipped CloudWatch Logs subscription payload or JSON / NDJSON / text (read like `POST /ingest`). Decompression
 * of all records together stays within `maxDecompressedBytes`. Returns the requestId to echo.
 */
export function parseFirehose(doc: unknown, f: RecordFactory, maxDecompressedBytes: number): string {
  if (!isFirehoseRequest(doc)) {
    throw new MalformedBodyError('not a Firehose delivery: "requestId" string and "records" array expected');
  }
  let budget = maxDecompressedBytes;
  doc.records.forEach((r, i) => {
    if (!isPlainObject(r) || typeof r['data'] !== 'string') {
      throw new MalformedBodyError(`records[${i}].data must be a base64 string`, { item: i });
    }
    let bytes: Buffer = Buffer.from(r['data'], 'base64');
    if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipCapped(bytes, budget);
    budget -= bytes.length;
    if (budget < 0) {
      throw new TooLargeError(
        'tooLarge',
        `the records exceed ${Math.floor(maxDecompressedBytes / 1048576)} MiB once decoded`,
      );
    }
    const text = bytesToText(bytes);
    if (firstNonSpace(text) === -1) return;

    const at = firstNonSpace(text);
    if (text.charCodeAt(at) === 123 && text.slice(at, at + 200).includes('"messageType"')) {
      let payload: unknown;
      try {
        payload = JSON.parse(text);
      } catch {
        payload = undefined;
      }
      if (isPlainObject(payload) && typeof payload['messageType'] === 'string') {
        cloudWatchLogs(payload, f);
        return;
      }
    }
    parseGenericBody(text, f);
  });
  return doc.requestId as string;
}
