import { gzipSync } from 'node:zlib';
import type { RefusedError, StreamUnavailableError } from './errors.ts';
import type { BulkItem, BulkItemError } from './es-bulk.ts';
import type { Protocol } from './routes.ts';

/** What the edge answers; the function adapts it to API Gateway's result, the local adapter to Node's response. */
export interface IngestResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  /** The body is base64 of binary content (a gzipped answer). */
  isBase64Encoded?: boolean;
}

/**
 * A Lambda response is at most 6 MB (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html);
 * larger answers (a `_bulk` of many small documents) are gzipped when the client accepts it, and refused before
 * anything is written when it does not. Counted as `bodyBytes` counts; the rest is left for the status and headers.
 */
export const MAX_RESPONSE_BYTES = 5_500_000;

/**
 * Bytes `text`, as (part of) a body, takes in the response Lambda returns: UTF-8, escaped again as the JSON string
 * the body travels in (each quote of a JSON answer doubles).
 */
export function bodyBytes(text: string): number {
  return Buffer.byteLength(JSON.stringify(text)) - 2;
}

/** q=0 (also spelled 0.0, 0.000) refuses; 1, 1.0, 1.000 and any other value above 0 accept (RFC 9110 §12.4.2). */
export function acceptsGzip(acceptEncoding: string | undefined): boolean {
  return /(^|[\s,])(gzip|\*)(\s*;\s*q=(1(\.0*)?|0?\.\d*[1-9]\d*))?\s*($|,)/i.test(acceptEncoding ?? '');
}

/** Gzips a JSON answer that would not fit a Lambda response; small answers pass unchanged. */
export function fitResponse(res: IngestResponse, acceptEncoding: string | undefined): IngestResponse {
  // No UTF-16 unit takes more than 6 bytes once escaped (`\u001f`): most answers need no measuring.
  const fits = res.body.length * 6 <= MAX_RESPONSE_BYTES || bodyBytes(res.body) <= MAX_RESPONSE_BYTES;
  if (fits || !acceptsGzip(acceptEncoding)) return res;
  return {
    ...res,
    headers: { ...res.headers, 'content-encoding': 'gzip' },
    body: gzipSync(res.body).toString('base64'),
    isBase64Encoded: true,
  };
}

const JSON_TYPE = 'application/json; charset=utf-8';

/** Elasticsearch clients (7.14+) refuse any 2xx answer that lacks this header; it is harmless on the others. */
const ES_PRODUCT = { 'x-elastic-product': 'Elasticsearch' } as const;

export function jsonResponse(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): IngestResponse {
  return { statusCode, headers: { 'content-type': JSON_TYPE, ...headers }, body: JSON.stringify(body) };
}

function esResponse(statusCode: number, body: unknown, headers: Record<string, string> = {}): IngestResponse {
  return jsonResponse(statusCode, body, { ...ES_PRODUCT, ...headers });
}

/** gRPC status codes carried in OTLP/HTTP error bodies (google.rpc.Status). */
const GRPC = {
  invalidArgument: 3,
  permissionDenied: 7,
  resourceExhausted: 8,
  unavailable: 14,
  unauthenticated: 16,
};

function esErrorType(err: RefusedError): string {
  switch (err.kind) {
    case 'missingKey':
    case 'invalidKey':
    case 'wrongRegion':
      return 'security_exception';
    case 'tooLarge':
    case 'tooManyRecords':
    case 'recordTooLarge':
      return 'content_too_long_exception';
    case 'malformed':
      return 'parse_exception';
    case 'empty':
      return 'action_request_validation_exception';
    default:
      return 'illegal_argument_exception';
  }
}

function hecRefusal(err: RefusedError): IngestResponse {
  const item = err.item === undefined ? {} : { 'invalid-event-number': err.item };
  switch (err.kind) {
    case 'missingKey':
      return jsonResponse(401, { text: 'Token is required', code: 2 });
    case 'invalidKey':
      return jsonResponse(401, { text: 'Invalid token', code: 4 });
    case 'wrongRegion':
      return jsonResponse(403, { text: `Token disabled for this endpoint: ${err.message}`, code: 1 });
    case 'empty':
      return jsonResponse(400, { text: 'No data', code: 5 });
    default:
      if (err.reason === 'eventRequired') {
        return jsonResponse(400, { text: 'Event field is required', code: 12, ...item });
      }
      if (err.reason === 'eventBlank') {
        return jsonResponse(400, { text: 'Event field cannot be blank', code: 13, ...item });
      }
      return jsonResponse(err.status, { text: `Invalid data format: ${err.message}`, code: 6, ...item });
  }
}

export interface ResponseContext {
  /** Firehose requestId to echo (body's, else the X-Amz-Firehose-Request-Id header). */
  firehoseRequestId?: string;
  now: number;
}

/** A permanent refusal in the protocol's own error shape. */
export function refusalResponse(protocol: Protocol, err: RefusedError, ctx: ResponseContext): IngestResponse {
  switch (protocol) {
    case 'otlp': {
      const code =
        err.status === 401
          ? GRPC.unauthenticated
          : err.status === 403
            ? GRPC.permissionDenied
            : GRPC.invalidArgument;
      return jsonResponse(err.status, { code, message: err.message });
    }
    case 'hec':
    case 'hecRaw':
      return hecRefusal(err);
    case 'es': {
      const type = esErrorType(err);
      const headers: Record<string, string> =
        err.status === 401 ? { 'www-authenticate': 'Basic realm="security", charset="UTF-8", ApiKey' } : {};
      return esResponse(
        err.status,
        {
          error: { root_cause: [{ type, reason: err.message }], type, reason: err.message },
          status: err.status,
        },
        headers,
      );
    }
    case 'firehose':
      return jsonResponse(err.status, {
        requestId: ctx.firehoseRequestId ?? '',
        timestamp: ctx.now,
        errorMessage: err.message,
      });
    default:
      return jsonResponse(err.status, { error: err.kind, message: err.message });
  }
}

/** A retryable refusal: 429 when the stream throttled, else 503; always with Retry-After. */
export function unavailableResponse(
  protocol: Protocol,
  err: StreamUnavailableError,
  ctx: ResponseContext,
): IngestResponse {
  const status = err.throttled ? 429 : 503;
  const retry = { 'retry-after': String(err.retryAfterSeconds) };
  switch (protocol) {
    case 'otlp':
      return jsonResponse(
        status,
        { code: err.throttled ? GRPC.resourceExhausted : GRPC.unavailable, message: err.message },
        retry,
      );
    case 'hec':
    case 'hecRaw':
      // Splunk answers 503 "Server is busy" (code 9) whatever the cause; HEC clients retry on it.
      return jsonResponse(503, { text: 'Server is busy', code: 9 }, retry);
    case 'es':
      return esResponse(
        status,
        {
          error: {
            root_cause: [{ type: 'es_rejected_execution_exception', reason: err.message }],
            type: 'es_rejected_execution_exception',
            reason: err.message,
          },
          status,
        },
        retry,
      );
    case 'firehose':
      return jsonResponse(
        status,
        { requestId: ctx.firehoseRequestId ?? '', timestamp: ctx.now, errorMessage: err.message },
        retry,
      );
    default:
      return jsonResponse(status, { error: 'unavailable', message: err.message }, retry);
  }
}

export function acceptedResponse(protocol: Protocol, count: number, ctx: ResponseContext): IngestResponse {
  switch (protocol) {
    case 'otlp':
      return jsonResponse(200, {});
    case 'hec':
    case 'hecRaw':
      return jsonResponse(200, { text: 'Success', code: 0 });
    case 'firehose':
      return jsonResponse(200, { requestId: ctx.firehoseRequestId ?? '', timestamp: ctx.now });
    default:
      return jsonResponse(200, { accepted: count });
  }
}

/** OTLP partial success: the rejected records are permanently refused (the client must not retry them). */
export function otlpPartialResponse(rejected: number, message: string): IngestResponse {
  return jsonResponse(200, {
    partialSuccess: { rejectedLogRecords: String(rejected), errorMessage: message },
  });
}

function bulkEntry(item: BulkItem, error: BulkItemError | undefined): Record<string, unknown> {
  const base = { _index: item.index, _id: item.id ?? '' };
  if (error) {
    const { status, type, reason } = error;
    return { [item.action]: { ...base, status, error: { type, reason } } };
  }
  return {
    [item.action]: {
      ...base,
      // Clients read `status` (and `error`); shard details are left out to keep big answers small.
      _version: 1,
      result: 'created',
      status: 201,
    },
  };
}

/** Bytes of a string value in the answer, quotes included (as `bodyBytes` counts). */
function valueBytes(value: string): number {
  return bodyBytes(JSON.stringify(value));
}

/**
 * Bytes (as `bodyBytes` counts) the `_bulk` answer for these items may take at most, checked before writing: any
 * document without an error yet may still fail with `failure` (the stream not taking it), so it counts as the
 * longer of its two answers. Generated ids must be set.
 */
export function bulkResponseBound(items: readonly BulkItem[], failure: BulkItemError): number {
  // `{"took":…,"errors":…,"items":[…]}` around the items, a comma after each.
  let n = 64;
  // Per action, the answer for a document without its index and id: the same for every document, so measured once.
  const shapes = new Map<string, number>();
  let index: string | undefined;
  let indexBytes = 0;
  for (const item of items) {
    if (item.error) {
      n += 1 + bodyBytes(JSON.stringify(bulkEntry(item, item.error)));
      continue;
    }
    let shape = shapes.get(item.action);
    if (shape === undefined) {
      const bare: BulkItem = { action: item.action, index: '', id: '' };
      const longer = Math.max(
        bodyBytes(JSON.stringify(bulkEntry(bare, undefined))),
        bodyBytes(JSON.stringify(bulkEntry(bare, failure))),
      );
      shape = longer - 2 * valueBytes('');
      shapes.set(item.action, shape);
    }
    if (item.index !== index) {
      index = item.index;
      indexBytes = valueBytes(index);
    }
    n += 1 + shape + indexBytes + valueBytes(item.id ?? '');
  }
  return n;
}

/** `_bulk` answer: 200 with one item per action in request order; `errors` true when any item failed. */
export function bulkResponse(items: readonly BulkItem[], tookMs: number): IngestResponse {
  let errors = false;
  const out = items.map((item) => {
    if (item.error) errors = true;
    return bulkEntry(item, item.error);
  });
  return esResponse(200, { took: tookMs, errors, items: out });
}

const ES_VERSION = '8.17.0';

/** `GET /`: the body Elasticsearch clients and Beats check before talking bulk. */
export function esInfoResponse(head: boolean): IngestResponse {
  const r = esResponse(200, {
    name: 'sluice',
    cluster_name: 'sluice',
    cluster_uuid: 'c2x1aWNlLWluZ2VzdC0w',
    version: {
      number: ES_VERSION,
      build_flavor: 'default',
      build_type: 'docker',
      build_hash: '0000000000000000000000000000000000000000',
      build_date: '2024-12-11T12:08:05.663969764Z',
      build_snapshot: false,
      lucene_version: '9.12.0',
      minimum_wire_compatibility_version: '7.17.0',
      minimum_index_compatibility_version: '7.0.0',
    },
    tagline: 'You Know, for Search',
  });
  return head ? { ...r, body: '' } : r;
}

export function esLicenseResponse(): IngestResponse {
  return esResponse(200, {
    license: {
      status: 'active',
      uid: '00000000-0000-0000-0000-000000000000',
      type: 'basic',
      issue_date: '2024-01-01T00:00:00.000Z',
      issue_date_in_millis: 1_704_067_200_000,
      max_nodes: 1000,
      issued_to: 'sluice',
      issuer: 'elasticsearch',
      start_date_in_millis: -1,
    },
  });
}

export function hecHealthResponse(): IngestResponse {
  return jsonResponse(200, { text: 'HEC is healthy', code: 17 });
}

export function healthResponse(region: string, head: boolean): IngestResponse {
  const r = jsonResponse(200, { status: 'ok', region });
  return head ? { ...r, body: '' } : r;
}

export function notFoundResponse(method: string, path: string): IngestResponse {
  return jsonResponse(404, { error: 'notFound', message: `no route for ${method} ${path.slice(0, 200)}` });
}

export function methodNotAllowedResponse(allowed: readonly string[]): IngestResponse {
  return jsonResponse(
    405,
    { error: 'methodNotAllowed', message: `use ${allowed.join(' or ')}` },
    { allow: allowed.join(', ') },
  );
}
