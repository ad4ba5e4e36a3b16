import { opentelemetry } from '../../shared/ingest/protocols/generated/wire.js';

type Json = Record<string, unknown>;

function anyValue(v: Json | undefined): Json | undefined {
  if (!v) return undefined;
  if ('bytesValue' in v) return { bytesValue: Buffer.from(v['bytesValue'] as string, 'base64') };
  if ('arrayValue' in v) {
    return { arrayValue: { values: ((v['arrayValue'] as Json)['values'] as Json[]).map(anyValue) } };
  }
  if ('kvlistValue' in v) return { kvlistValue: { values: keyValues((v['kvlistValue'] as Json)['values']) } };
  return v;
}

function keyValues(list: unknown): Json[] {
  return ((list as Json[] | undefined) ?? []).map((kv) => ({
    key: kv['key'],
    value: anyValue(kv['value'] as Json),
  }));
}

/**
 * An OTLP/JSON ExportLogsServiceRequest encoded as the protobuf an exporter would send for it: hex ids become
 * bytes, base64 `bytesValue` bytes, decimal-string 64-bit fields stay exact.
 */
export function otlpJsonToProtobuf(doc: { resourceLogs: Json[] }): Uint8Array {
  const hexBytes = (s: unknown) => (typeof s === 'string' ? Buffer.from(s, 'hex') : undefined);
  const message = {
    resourceLogs: doc.resourceLogs.map((rl) => ({
      resource: { attributes: keyValues((rl['resource'] as Json | undefined)?.['attributes']) },
      scopeLogs: ((rl['scopeLogs'] as Json[]) ?? []).map((sl) => {
        const scope = sl['scope'] as Json | undefined;
        return {
          ...(scope && { scope: { ...scope, attributes: keyValues(scope['attributes']) } }),
          logRecords: ((sl['logRecords'] as Json[]) ?? []).map((lr) => ({
            ...lr,
            body: anyValue(lr['body'] as Json),
            attributes: keyValues(lr['attributes']),
            traceId: hexBytes(lr['traceId']),
            spanId: hexBytes(lr['spanId']),
          })),
        };
      }),
    })),
  };
  return opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest.encode(message as never).finish();
}
