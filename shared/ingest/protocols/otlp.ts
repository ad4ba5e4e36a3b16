import type { RefusedError, StreamUnavailableError } from '../errors.ts';
import { parseOtlpLogs } from '../otlp.ts';
import { binaryResponse, type IngestResponse, jsonResponse } from '../responses.ts';
import { parseJson, requireWritten, unavailableStatus } from './common.ts';
import { decodeOtlpProtobuf, encodeOtlpResponse, encodeRpcStatus } from './otlp-proto.ts';
import type { IngestProtocol, IngestRequest, RequestContext } from './types.ts';

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

const PROTOBUF_TYPE = 'application/x-protobuf';

function grpcRefusalCode(err: RefusedError): number {
  if (err.status === 401) return GRPC.unauthenticated;
  if (err.status === 403) return GRPC.permissionDenied;
  return GRPC.invalidArgument;
}

/**
 * Protobuf when the request says so, unless its body is JSON after all (exporters mislabel). Before the body is
 * read (a refused key), the header alone decides: the answer must be in the encoding the client reads.
 */
export function otlpEncoding(headers: Readonly<Record<string, string>>, req?: IngestRequest): OtlpEncoding {
  const type = (headers['content-type'] ?? '').toLowerCase();
  if (!type.includes('protobuf')) return 'json';
  if (!req) return 'protobuf';
  const bytes = req.body.bytes;
  let i = 0;
  while (i < bytes.length && (bytes[i] === 32 || bytes[i] === 10 || bytes[i] === 13 || bytes[i] === 9)) i++;
  return bytes[i] === 123 ? 'json' : 'protobuf';
}

const encodingOf = (ctx: RequestContext, parsed: OtlpParsed | undefined) =>
  parsed?.encoding ?? otlpEncoding(ctx.headers);

/** A `google.rpc.Status` error body in the request's encoding. */
function status(
  encoding: OtlpEncoding,
  statusCode: number,
  code: number,
  message: string,
  headers: Record<string, string> = {},
): IngestResponse {
  return encoding === 'protobuf'
    ? binaryResponse(statusCode, PROTOBUF_TYPE, encodeRpcStatus(code, message), headers)
    : jsonResponse(statusCode, { code, message }, headers);
}

/**
 * OTLP/HTTP logs, JSON or protobuf (the spec's default). Both encodings map through the OTLP/JSON shape, so a
 * record is the same whichever the exporter sends. Answers are in the request's encoding: the proto exporter
 * reports a JSON `{}` to a protobuf request as an error.
 */
export const otlpProtocol: IngestProtocol<OtlpParsed> = {
  name: 'otlp',
  routes: [{ name: 'otlpLogs', path: '/v1/logs', methods: ['POST'] }],
  auth: ['Authorization: Bearer <key>', 'X-Api-Key: <key>'],
  recordProtocol: 'otlp',
  parse(req, f) {
    const encoding = otlpEncoding(req.headers, req);
    const doc =
      encoding === 'protobuf'
        ? decodeOtlpProtobuf(req.body.bytes, req.limits.maxDepth)
        : parseJson(req.body.text, 'OTLP/JSON expected');
    parseOtlpLogs(doc, f, req.limits.maxDepth);
    return { encoding };
  },
  // Oversized records are refused one by one (partial success), not the request.
  checkPacked() {},
  accepted({ encoding }, written, ctx) {
    requireWritten(written);
    const rejected = written.packed.oversized.length;
    const message =
      rejected === 0
        ? ''
        : `${rejected} log record(s) are over the ${ctx.limits.maxRecordBytes}-byte limit of one stream ` +
          'record and were not stored';
    if (encoding === 'protobuf') {
      return binaryResponse(200, PROTOBUF_TYPE, encodeOtlpResponse(rejected, message));
    }
    // The rejected records are permanently refused: the client must not retry them.
    if (rejected === 0) return jsonResponse(200, {});
    return jsonResponse(200, {
      partialSuccess: { rejectedLogRecords: String(rejected), errorMessage: message },
    });
  },
  refusal: (err, ctx, parsed) =>
    status(encodingOf(ctx, parsed), err.status, grpcRefusalCode(err), err.message),
  unavailable: (err: StreamUnavailableError, ctx, parsed): IngestResponse =>
    status(
      encodingOf(ctx, parsed),
      unavailableStatus(err.throttled),
      err.throttled ? GRPC.resourceExhausted : GRPC.unavailable,
      err.message,
      { 'retry-after': String(err.retryAfterSeconds) },
    ),
};
