import type { RefusedError, StreamUnavailableError } from '../errors.ts';
import { RefusedError as Refused } from '../errors.ts';
import { firstNonSpace } from '../generic.ts';
import { parseOtlpLogs } from '../otlp.ts';
import { type IngestResponse, jsonResponse } from '../responses.ts';
import { parseJson, requireWritten, unavailableStatus } from './common.ts';
import type { IngestProtocol, IngestRequest } from './types.ts';

/** gRPC status codes carried in OTLP/HTTP error bodies (google.rpc.Status). */
export const GRPC = {
  invalidArgument: 3,
  permissionDenied: 7,
  resourceExhausted: 8,
  unavailable: 14,
  unauthenticated: 16,
} as const;

export type OtlpEncoding = 'json' | 'protobuf';

export interface OtlpParsed {
  encoding: OtlpEncoding;
}

function grpcRefusalCode(err: RefusedError): number {
  if (err.status === 401) return GRPC.unauthenticated;
  if (err.status === 403) return GRPC.permissionDenied;
  return GRPC.invalidArgument;
}

/** Protobuf when the request says so and its body is not JSON (some exporters label JSON wrongly). */
export function otlpEncoding(headers: Readonly<Record<string, string>>, req?: IngestRequest): OtlpEncoding {
  const type = (headers['content-type'] ?? '').toLowerCase();
  if (!type.includes('protobuf')) return 'json';
  if (!req) return 'protobuf';
  const text = req.body.text;
  const at = firstNonSpace(text);
  return at !== -1 && text.charCodeAt(at) === 123 ? 'json' : 'protobuf';
}

function status(statusCode: number, code: number, message: string, headers: Record<string, string> = {}) {
  return jsonResponse(statusCode, { code, message }, headers);
}

export const otlpProtocol: IngestProtocol<OtlpParsed> = {
  name: 'otlp',
  routes: [{ name: 'otlpLogs', path: '/v1/logs', methods: ['POST'] }],
  auth: ['Authorization: Bearer <key>', 'X-Api-Key: <key>'],
  recordProtocol: 'otlp',
  parse(req, f) {
    if (otlpEncoding(req.headers, req) === 'protobuf') {
      throw new Refused(
        'unsupportedMediaType',
        'OTLP protobuf is not supported: configure the exporter for http/json',
      );
    }
    parseOtlpLogs(parseJson(req.body.text, 'OTLP/JSON expected'), f, req.limits.maxDepth);
    return { encoding: 'json' };
  },
  // Oversized records are refused one by one (partial success), not the request.
  checkPacked() {},
  accepted(_, written, ctx) {
    requireWritten(written);
    const { oversized } = written.packed;
    if (oversized.length === 0) return jsonResponse(200, {});
    return otlpPartial(
      oversized.length,
      `${oversized.length} log record(s) are over the ${ctx.limits.maxRecordBytes}-byte limit of one ` +
        'stream record and were not stored',
    );
  },
  refusal: (err) => status(err.status, grpcRefusalCode(err), err.message),
  unavailable: (err: StreamUnavailableError): IngestResponse =>
    status(
      unavailableStatus(err.throttled),
      err.throttled ? GRPC.resourceExhausted : GRPC.unavailable,
      err.message,
      { 'retry-after': String(err.retryAfterSeconds) },
    ),
};

/** OTLP partial success: the rejected records are permanently refused (the client must not retry them). */
function otlpPartial(rejected: number, message: string): IngestResponse {
  return jsonResponse(200, {
    partialSuccess: { rejectedLogRecords: String(rejected), errorMessage: message },
  });
}
