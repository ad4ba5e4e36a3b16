import { gunzipSync } from 'node:zlib';
import kpl from 'aws-kinesis-agg';
import { decodeEnvelope, isEnvelope } from '../record/envelope.ts';
import { LEVEL_RANK } from '../record/level.ts';
import { isPlainObject, type NormalizeContext, normalizeRecord } from '../record/normalize.ts';
import { parseLogLine } from '../record/parse-line.ts';
import type { LogRecord } from '../record/record.ts';
import { type PoisonReason, PoisonRecordError } from './errors.ts';

/** One record as the stream delivered it, free of Lambda types so the local runner and redrive share it. */
export interface StreamRecord {
  sequenceNumber: string;
  partitionKey: string;
  data: Uint8Array;
  /** ApproximateArrivalTimestamp, epoch ms: the receive time of records that carry none. */
  arrivalMs: number;
}

/** What one stream record (or one KPL user record inside it) decodes to. */
export type DecodedUnit =
  | { kind: 'records'; sequenceNumber: string; subSequence?: number; records: LogRecord[] }
  | {
      kind: 'poison';
      sequenceNumber: string;
      subSequence?: number;
      partitionKey: string;
      reason: PoisonReason;
      /** Why, without record content: safe to log. */
      detail: string;
      payload: Uint8Array;
    };

export interface DecodeContext {
  /** Residency region of this stream. */
  region: string;
  /** Tenants this region serves (their homeRegion is `region`). */
  tenants: ReadonlySet<string>;
  /**
   * Tenant of records written by other producers (KPL, CloudWatch Logs subscriptions, plain JSON or text): they
   * carry no tenant, and only trusted principals can write to the stream, so they belong to the region's
   * operator. sluice attributes them to the first tenant in the config whose homeRegion is this region.
   */
  defaultTenant: string | undefined;
  /** Cap on decompressed CloudWatch Logs payloads (bytes); bigger is poison `too-large`. */
  maxInflatedBytes?: number;
}

const KPL_MAGIC = [0xf3, 0x89, 0x9a, 0xc2] as const;
/** Kinesis records are at most 1 MiB; CloudWatch Logs payloads compress ~10×: 16 MiB inflated is ample. */
const DEFAULT_MAX_INFLATED = 16 * 1024 * 1024;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The first tenant of `tenants` whose homeRegion is `region`: the documented owner of envelope-less records. */
export function defaultTenantFor(
  tenants: readonly { id: string; homeRegion: string }[],
  region: string,
): string | undefined {
  return tenants.find((t) => t.homeRegion === region)?.id;
}

/**
 * Decodes one stream record. Never throws: anything that cannot become valid records is a poison unit carrying
 * its payload, so one bad record cannot block its shard.
 */
export function decodeStreamRecord(record: StreamRecord, ctx: DecodeContext): DecodedUnit[] {
  const { data } = record;
  if (startsWith(data, KPL_MAGIC)) {
    let users: { data: string; subSequenceNumber: number; partitionKey: string }[];
    try {
      users = deaggregate(record);
    } catch (err) {
      return [poison(record, undefined, data, 'undecodable', `KPL aggregate: ${(err as Error).message}`)];
    }
    return users.map((u) => {
      const bytes = Buffer.from(u.data, 'base64');
      return decodeOne({ ...record, partitionKey: u.partitionKey, data: bytes }, u.subSequenceNumber, ctx);
    });
  }
  return [decodeOne(record, undefined, ctx)];
}

function deaggregate(
  record: StreamRecord,
): { data: string; subSequenceNumber: number; partitionKey: string }[] {
  let failure: Error | undefined;
  let out: { data: string; subSequenceNumber: number; partitionKey: string }[] = [];
  // deaggregateSync is synchronous despite its callback; the MD5 checksum is verified.
  kpl.deaggregateSync(
    {
      data: Buffer.from(record.data).toString('base64'),
      sequenceNumber: record.sequenceNumber,
      partitionKey: record.partitionKey,
    } as never,
    true,
    (err, users) => {
      if (err) failure = err;
      else out = (users ?? []) as typeof out;
    },
  );
  if (failure) throw failure;
  return out;
}

function decodeOne(record: StreamRecord, sub: number | undefined, ctx: DecodeContext): DecodedUnit {
  try {
    const records = decodePayload(record, sub, ctx);
    return {
      kind: 'records',
      sequenceNumber: record.sequenceNumber,
      ...(sub !== undefined && { subSequence: sub }),
      records,
    };
  } catch (err) {
    if (err instanceof PoisonRecordError) return poison(record, sub, record.data, err.reason, err.message);
    return poison(record, sub, record.data, 'undecodable', (err as Error).name);
  }
}

function poison(
  record: StreamRecord,
  sub: number | undefined,
  payload: Uint8Array,
  reason: PoisonReason,
  detail: string,
): DecodedUnit {
  return {
    kind: 'poison',
    sequenceNumber: record.sequenceNumber,
    ...(sub !== undefined && { subSequence: sub }),
    partitionKey: record.partitionKey,
    reason,
    detail,
    payload,
  };
}

function decodePayload(record: StreamRecord, sub: number | undefined, ctx: DecodeContext): LogRecord[] {
  const { data } = record;
  if (isEnvelope(data)) {
    let records: LogRecord[];
    try {
      records = decodeEnvelope(data, ctx.maxInflatedBytes ?? DEFAULT_MAX_INFLATED);
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new PoisonRecordError('too-large', 'compressed envelope inflates beyond the cap', { cause });
      }
      throw new PoisonRecordError('invalid-envelope', 'an envelope line is not a serialized record', {
        cause,
      });
    }
    for (const r of records) checkEnvelopeRecord(r, ctx);
    return records;
  }
  const tenant = ctx.defaultTenant;
  if (tenant === undefined) {
    throw new PoisonRecordError('no-default-tenant', `no tenant has homeRegion ${ctx.region}`);
  }
  // Ids must be stable across redeliveries: derived from the record's position in the stream.
  const idBase = `kds-${record.sequenceNumber}${sub === undefined ? '' : `.${sub}`}`;
  let n = 0;
  const base: NormalizeContext = {
    tenant,
    region: ctx.region,
    protocol: sub === undefined ? 'kinesis' : 'kinesis-kpl',
    receivedAt: record.arrivalMs,
    nextId: () => `${idBase}-${n++}`,
  };
  if (data[0] === 0x1f && data[1] === 0x8b) {
    let inflated: Buffer;
    try {
      inflated = gunzipSync(data, { maxOutputLength: ctx.maxInflatedBytes ?? DEFAULT_MAX_INFLATED });
    } catch (cause) {
      const code = (cause as NodeJS.ErrnoException).code;
      if (code === 'ERR_BUFFER_TOO_LARGE') {
        throw new PoisonRecordError('too-large', 'gzip payload inflates beyond the cap', { cause });
      }
      throw new PoisonRecordError('undecodable', 'broken gzip payload', { cause });
    }
    const text = decodeText(inflated);
    const doc = tryJson(text);
    if (isPlainObject(doc) && typeof doc.messageType === 'string') return cloudWatchRecords(doc, base);
    return textRecords(text, base);
  }
  return textRecords(decodeText(data), base);
}

function decodeText(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch (cause) {
    throw new PoisonRecordError('undecodable', 'payload is not UTF-8', { cause });
  }
}

function tryJson(text: string): unknown {
  const c = text.charCodeAt(0);
  if (c !== 123 && c !== 91) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * CloudWatch Logs subscription payload (gzip JSON). CONTROL_MESSAGE is the service's health check: no records.
 * Each log event keeps its CloudWatch id (stable across redeliveries) and its timestamp when the message has none.
 */
function cloudWatchRecords(doc: Record<string, unknown>, base: NormalizeContext): LogRecord[] {
  if (doc.messageType === 'CONTROL_MESSAGE') return [];
  if (doc.messageType !== 'DATA_MESSAGE' || !Array.isArray(doc.logEvents)) {
    throw new PoisonRecordError('undecodable', 'CloudWatch Logs payload without logEvents');
  }
  const logGroup = typeof doc.logGroup === 'string' ? doc.logGroup : undefined;
  const logStream = typeof doc.logStream === 'string' ? doc.logStream : undefined;
  const out: LogRecord[] = [];
  for (const event of doc.logEvents as unknown[]) {
    if (!isPlainObject(event) || typeof event.message !== 'string') {
      throw new PoisonRecordError('undecodable', 'CloudWatch Logs event without message');
    }
    const id = typeof event.id === 'string' ? event.id : undefined;
    const ctx: NormalizeContext = {
      ...base,
      protocol: 'cloudwatch-logs',
      ...(logGroup !== undefined && { defaultService: logGroup }),
      ...(id !== undefined && { nextId: () => `cwl-${id}` }),
    };
    const record = parseLogLine(event.message, ctx);
    // parseLogLine falls back to the receive time; the event's own timestamp is the better event time.
    if (record.timestamp === base.receivedAt && typeof event.timestamp === 'number') {
      record.timestamp = event.timestamp;
    }
    if (logGroup !== undefined) record.attributes['aws.logGroup'] ??= logGroup;
    if (logStream !== undefined) record.attributes['aws.logStream'] ??= logStream;
    out.push(record);
  }
  return out;
}

/** A JSON object, a JSON array of objects, NDJSON, or plain-text lines. */
function textRecords(text: string, ctx: NormalizeContext): LogRecord[] {
  const doc = tryJson(text);
  if (isPlainObject(doc)) return [normalizeRecord(doc, ctx)];
  if (Array.isArray(doc)) {
    return doc.map((v) =>
      isPlainObject(v) ? normalizeRecord(v, ctx) : normalizeRecord({ message: JSON.stringify(v) }, ctx),
    );
  }
  const out: LogRecord[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim().length > 0) out.push(parseLogLine(line, ctx));
  }
  return out;
}

/** Envelope records were written by our ingest: still check what the pipeline and the S3 layout rely on. */
function checkEnvelopeRecord(r: LogRecord, ctx: DecodeContext): void {
  if (!ctx.tenants.has(r.tenant)) {
    throw new PoisonRecordError('unknown-tenant', 'envelope names a tenant this region does not serve');
  }
  if (r.region !== ctx.region) {
    throw new PoisonRecordError('wrong-region', 'envelope record stamped for another residency region');
  }
  const ok =
    Number.isFinite(r.timestamp) &&
    typeof r.service === 'string' &&
    typeof r.level === 'string' &&
    r.level in LEVEL_RANK &&
    isPlainObject(r.attributes) &&
    isPlainObject(r.ingest) &&
    typeof r.ingest.id === 'string' &&
    Number.isFinite(r.ingest.receivedAt);
  if (!ok) throw new PoisonRecordError('invalid-record', 'envelope record with fields of the wrong type');
}

function startsWith(data: Uint8Array, magic: readonly number[]): boolean {
  if (data.length < magic.length) return false;
  for (let i = 0; i < magic.length; i++) if (data[i] !== magic[i]) return false;
  return true;
}
