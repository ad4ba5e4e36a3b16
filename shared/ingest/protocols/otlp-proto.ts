import { MalformedBodyError } from '../errors.ts';
import { google, opentelemetry } from './generated/wire.js';

const v1 = opentelemetry.proto;
type AnyValue = opentelemetry.proto.common.v1.IAnyValue;
type KeyValue = opentelemetry.proto.common.v1.IKeyValue;
/** 64-bit fields decode as `Long` (the `long` package protobufjs depends on), or as numbers without it. */
type Int64 = number | { toString(): string } | null | undefined;

const int64 = (v: Int64): string | undefined => {
  const s = v === null || v === undefined ? undefined : v.toString();
  return s === undefined || s === '0' ? undefined : s;
};

const hex = (b: Uint8Array | null | undefined): string | undefined =>
  b && b.length > 0 ? Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex') : undefined;

/**
 * Protobuf AnyValue → the OTLP/JSON AnyValue (proto3 JSON mapping: 64-bit ints as decimal strings, bytes as
 * base64), so both encodings go through one mapping into records. `budget` bounds the nesting here as the JSON
 * path bounds it.
 */
function anyValue(v: AnyValue | null | undefined, budget: number): Record<string, unknown> | undefined {
  if (!v) return undefined;
  // The generated oneof getter names the field that is set (unset fields are prototype defaults).
  switch ((v as { value?: string }).value) {
    case 'stringValue':
      return { stringValue: v.stringValue };
    case 'boolValue':
      return { boolValue: v.boolValue };
    case 'intValue':
      return { intValue: (v.intValue ?? 0).toString() };
    case 'doubleValue':
      return { doubleValue: v.doubleValue };
    case 'bytesValue':
      return { bytesValue: Buffer.from(v.bytesValue ?? []).toString('base64') };
    case 'arrayValue':
      if (budget <= 0) throw new MalformedBodyError('an attribute value is nested too deeply');
      return {
        arrayValue: { values: (v.arrayValue?.values ?? []).map((x) => anyValue(x, budget - 1) ?? {}) },
      };
    case 'kvlistValue':
      if (budget <= 0) throw new MalformedBodyError('an attribute value is nested too deeply');
      return { kvlistValue: { values: keyValues(v.kvlistValue?.values, budget - 1) } };
    default:
      return undefined;
  }
}

function keyValues(list: readonly KeyValue[] | null | undefined, budget: number): Record<string, unknown>[] {
  return (list ?? []).map((kv) => ({ key: kv.key ?? '', value: anyValue(kv.value, budget) }));
}

/** Only set fields: proto3 cannot tell unset from default, and the JSON path treats absent and default alike. */
function compact(o: Record<string, unknown>): Record<string, unknown> {
  for (const k in o) if (o[k] === undefined || o[k] === '' || o[k] === 0) delete o[k];
  return o;
}

/**
 * An OTLP/HTTP protobuf body (`ExportLogsServiceRequest`) as the equivalent OTLP/JSON document. Throws
 * `MalformedBodyError` for anything protobufjs cannot read (truncated frames, bad wire types, huge lengths).
 */
export function decodeOtlpProtobuf(bytes: Uint8Array, maxDepth: number): { resourceLogs: unknown[] } {
  let req: opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
  try {
    req = v1.collector.logs.v1.ExportLogsServiceRequest.decode(bytes);
  } catch (cause) {
    // RangeError too: a message nested deeper than the stack allows is garbage, not a bug of ours.
    throw new MalformedBodyError('the body is not a valid OTLP protobuf ExportLogsServiceRequest', { cause });
  }
  const budget = Math.max(0, maxDepth);
  return {
    resourceLogs: req.resourceLogs.map((rl) => ({
      resource: { attributes: keyValues(rl.resource?.attributes, budget) },
      scopeLogs: (rl.scopeLogs ?? []).map((sl) => ({
        ...(sl.scope && {
          scope: compact({
            name: sl.scope.name,
            version: sl.scope.version,
            attributes: keyValues(sl.scope.attributes, budget),
          }),
        }),
        logRecords: (sl.logRecords ?? []).map((lr) =>
          compact({
            timeUnixNano: int64(lr.timeUnixNano),
            observedTimeUnixNano: int64(lr.observedTimeUnixNano),
            severityNumber: lr.severityNumber,
            severityText: lr.severityText,
            body: anyValue(lr.body, budget),
            attributes: keyValues(lr.attributes, budget),
            flags: lr.flags,
            traceId: hex(lr.traceId),
            spanId: hex(lr.spanId),
            eventName: lr.eventName,
          }),
        ),
      })),
    })),
  };
}

/** `ExportLogsServiceResponse`: empty on full success, `partial_success` when records were refused. */
export function encodeOtlpResponse(rejected: number, message: string): Uint8Array {
  const partial =
    rejected > 0 ? { partialSuccess: { rejectedLogRecords: rejected, errorMessage: message } } : {};
  return v1.collector.logs.v1.ExportLogsServiceResponse.encode(partial).finish();
}

/** `google.rpc.Status`: the body of every OTLP/HTTP protobuf error answer. */
export function encodeRpcStatus(code: number, message: string): Uint8Array {
  return google.rpc.Status.encode({ code, message }).finish();
}
