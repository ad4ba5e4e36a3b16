import snappy from 'snappyjs';
import type { Level } from '../../record/level.ts';
import { normalizeLevel } from '../../record/level.ts';
import { isPlainObject } from '../../record/normalize.ts';
import { setOwn } from '../../record/set-own.ts';
import { MalformedBodyError, TooLargeError } from '../errors.ts';
import type { RecordFactory } from '../records.ts';
import type { IngestResponse } from '../responses.ts';
import { parseJson, refuseOversized, requireWritten, unavailableStatus } from './common.ts';
import { logproto } from './generated/wire.js';
import { parseLabels } from './loki-labels.ts';
import type { IngestProtocol, IngestRequest } from './types.ts';

const MIB = 1024 * 1024;
/** The labels Loki and Grafana read as the service name, in the order Loki's own `service_name` discovery uses. */
const SERVICE_LABELS = ['service_name', 'service', 'app', 'job'] as const;
const LEVEL_LABELS = ['level', 'detected_level'] as const;

interface LokiEntry {
  timestamp: number | undefined;
  line: string;
  metadata: Record<string, string>;
}

function first(labels: Record<string, string>, names: readonly string[]): string | undefined {
  for (const n of names) if (labels[n]) return labels[n];
  return undefined;
}

function push(f: RecordFactory, labels: Record<string, string>, e: LokiEntry): void {
  const attributes: Record<string, unknown> = {};
  for (const k in labels) setOwn(attributes, k, labels[k]);
  const hasMeta = Object.keys(e.metadata).length > 0;
  if (hasMeta) attributes['structuredMetadata'] = e.metadata;
  const level: Level | undefined =
    normalizeLevel(first(labels, LEVEL_LABELS)) ??
    (hasMeta ? normalizeLevel(first(e.metadata, LEVEL_LABELS)) : undefined);
  const service = first(labels, SERVICE_LABELS);
  f.fields(
    {
      message: e.line,
      ...(e.timestamp !== undefined && { timestamp: e.timestamp }),
      ...(level !== undefined && { level }),
      ...(service !== undefined && { service }),
    },
    attributes,
  );
}

/** Unix nanoseconds as a decimal string (Loki's JSON form; numbers tolerated) → epoch ms. */
function nanosToMs(v: unknown, where: string): number | undefined {
  const s = typeof v === 'number' && Number.isFinite(v) ? String(Math.trunc(v)) : v;
  if (typeof s !== 'string' || !/^\d{1,20}$/.test(s)) {
    throw new MalformedBodyError(`${where}: the timestamp must be unix nanoseconds as a decimal string`);
  }
  return s.length > 6 ? Number(s.slice(0, -6)) : 0;
}

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isPlainObject(v)) return out;
  for (const k in v) {
    const x = v[k];
    if (typeof x === 'string') setOwn(out, k, x);
    else if (typeof x === 'number' || typeof x === 'boolean') setOwn(out, k, String(x));
  }
  return out;
}

/** `{"streams":[{"stream":{label: value}, "values":[["<ns>", "line", {metadata}?]]}]}` */
function parseJsonPush(text: string, f: RecordFactory): void {
  const doc = parseJson(text, 'a Loki push request expected');
  if (!isPlainObject(doc) || !Array.isArray(doc['streams'])) {
    throw new MalformedBodyError('not a Loki push request: "streams" array missing');
  }
  doc['streams'].forEach((s, i) => {
    const where = `streams[${i}]`;
    if (!isPlainObject(s)) throw new MalformedBodyError(`${where} must be an object`);
    const labels = stringMap(s['stream']);
    const values = s['values'] ?? [];
    if (!Array.isArray(values)) throw new MalformedBodyError(`${where}.values must be an array`);
    values.forEach((v, j) => {
      const at = `${where}.values[${j}]`;
      if (!Array.isArray(v) || v.length < 2 || typeof v[1] !== 'string') {
        throw new MalformedBodyError(`${at} must be ["<unix ns>", "<line>", {metadata}?]`);
      }
      push(f, labels, { timestamp: nanosToMs(v[0], at), line: v[1], metadata: stringMap(v[2]) });
    });
  });
}

/** Snappy block (not framed), capped like every other decompression. */
function unsnappy(bytes: Buffer, maxBytes: number): Uint8Array {
  try {
    return snappy.uncompress(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), maxBytes);
  } catch (cause) {
    if (cause instanceof Error && /too big/.test(cause.message)) {
      throw new TooLargeError(
        'tooLarge',
        `the snappy-decompressed body exceeds ${Math.floor(maxBytes / MIB)} MiB; send smaller batches`,
        { cause },
      );
    }
    throw new MalformedBodyError('the body is not a valid snappy block (Loki protobuf pushes are snappy)', {
      cause,
    });
  }
}

function parseProtobufPush(req: IngestRequest, f: RecordFactory): void {
  const raw = unsnappy(req.body.bytes, req.limits.maxDecompressedBytes);
  let push_: logproto.PushRequest;
  try {
    push_ = logproto.PushRequest.decode(raw);
  } catch (cause) {
    throw new MalformedBodyError('the body is not a valid Loki protobuf PushRequest', { cause });
  }
  push_.streams.forEach((s, i) => {
    const labels = parseLabels(s.labels ?? '');
    for (const e of s.entries ?? []) {
      const ts = e.timestamp;
      const seconds = ts?.seconds === undefined || ts.seconds === null ? 0 : Number(ts.seconds.toString());
      const metadata: Record<string, string> = {};
      for (const p of e.structuredMetadata ?? []) if (p.name) setOwn(metadata, p.name, p.value ?? '');
      if (!Number.isFinite(seconds)) throw new MalformedBodyError(`streams[${i}]: bad timestamp`);
      push(f, labels, {
        timestamp: ts ? seconds * 1000 + Math.floor((ts.nanos ?? 0) / 1e6) : undefined,
        line: e.line ?? '',
        metadata,
      });
    }
  });
}

/** JSON when labelled JSON or when it reads as a JSON object; otherwise snappy protobuf (Loki's default). */
function isJsonPush(req: IngestRequest): boolean {
  if ((req.headers['content-type'] ?? '').toLowerCase().includes('json')) return true;
  const b = req.body.bytes;
  let i = 0;
  while (i < b.length && (b[i] === 32 || b[i] === 10 || b[i] === 13 || b[i] === 9)) i++;
  return b[i] === 123;
}

/** Loki answers errors as plain text. */
const text = (statusCode: number, message: string, headers: Record<string, string> = {}): IngestResponse => ({
  statusCode,
  headers: { 'content-type': 'text/plain; charset=utf-8', ...headers },
  body: `${message}\n`,
});

/**
 * Loki push API. Labels become attributes (service from `service_name`/`service`/`app`/`job`, level from
 * `level`/`detected_level`), structured metadata stays under `attributes.structuredMetadata`. `X-Scope-OrgID` is
 * ignored: the key decides the tenant.
 */
export const lokiProtocol: IngestProtocol<void> = {
  name: 'loki',
  routes: [{ name: 'lokiPush', path: '/loki/api/v1/push', methods: ['POST'] }],
  auth: ['Authorization: Bearer <key>', 'Authorization: Basic (any user, key as password)'],
  recordProtocol: 'loki',
  parse(req, f) {
    if (isJsonPush(req)) parseJsonPush(req.body.text, f);
    else parseProtobufPush(req, f);
  },
  checkPacked: (_, packed, __, req) => refuseOversized(packed, req),
  accepted(_, written) {
    requireWritten(written);
    return { statusCode: 204, headers: {}, body: '' };
  },
  refusal: (err) => text(err.status, err.message),
  unavailable: (err) =>
    text(unavailableStatus(err.throttled), err.message, { 'retry-after': String(err.retryAfterSeconds) }),
};
