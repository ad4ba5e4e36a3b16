import { gzipSync } from 'node:zlib';

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
  if (fits || res.isBase64Encoded || !acceptsGzip(acceptEncoding)) return res;
  return {
    ...res,
    headers: { ...res.headers, 'content-encoding': 'gzip' },
    body: gzipSync(res.body).toString('base64'),
    isBase64Encoded: true,
  };
}

const JSON_TYPE = 'application/json; charset=utf-8';

export function jsonResponse(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): IngestResponse {
  return { statusCode, headers: { 'content-type': JSON_TYPE, ...headers }, body: JSON.stringify(body) };
}

/** A binary answer (protobuf), base64 as Lambda returns binary bodies. */
export function binaryResponse(
  statusCode: number,
  contentType: string,
  body: Uint8Array,
  headers: Record<string, string> = {},
): IngestResponse {
  return {
    statusCode,
    headers: { 'content-type': contentType, ...headers },
    body: Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('base64'),
    isBase64Encoded: true,
  };
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
