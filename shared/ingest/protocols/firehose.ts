import { createHash } from 'node:crypto';
import { firehoseCommonAttributes, parseFirehose } from '../firehose.ts';
import { jsonResponse } from '../responses.ts';
import { parseJson, refuseOversized, requireWritten, unavailableStatus } from './common.ts';
import type { IngestProtocol, RequestContext } from './types.ts';

/** The body's requestId once read, else the header's (the same across Firehose's retries). */
const requestIdOf = (ctx: RequestContext, parsed: string | undefined) =>
  parsed ?? ctx.headers['x-amz-firehose-request-id'] ?? '';

/** Firehose HTTP endpoint delivery; the parse result is the requestId to echo. */
export const firehoseProtocol: IngestProtocol<string> = {
  name: 'firehose',
  routes: [{ name: 'firehose', path: '/firehose', methods: ['POST'] }],
  auth: ['X-Amz-Firehose-Access-Key: <key>'],
  recordProtocol: 'firehose',
  idBase(ctx) {
    // The request id is an idempotency key: a retried delivery yields the same record ids. The header is
    // client-controlled and ids are stored unmasked (`ingest.id`, partition keys), so only a digest of it is kept:
    // same header, same ids, and nothing the client wrote (an e-mail, a token) reaches a store.
    const id = ctx.headers['x-amz-firehose-request-id'];
    return id ? `fh-${createHash('sha256').update(id).digest('hex').slice(0, 32)}` : ctx.requestId;
  },
  parse(req, f) {
    const doc = parseJson(req.body.text, 'a Firehose delivery expected');
    f.common = firehoseCommonAttributes(req.headers['x-amz-firehose-common-attributes']);
    return parseFirehose(doc, f, req.limits.maxDecompressedBytes);
  },
  checkPacked: (_, packed, __, req) => refuseOversized(packed, req),
  accepted(parsed, written, ctx) {
    requireWritten(written);
    return jsonResponse(200, { requestId: parsed, timestamp: ctx.now });
  },
  refusal: (err, ctx, parsed) =>
    jsonResponse(err.status, {
      requestId: requestIdOf(ctx, parsed),
      timestamp: ctx.now,
      errorMessage: err.message,
    }),
  unavailable: (err, ctx, parsed) =>
    jsonResponse(
      unavailableStatus(err.throttled),
      { requestId: requestIdOf(ctx, parsed), timestamp: ctx.now, errorMessage: err.message },
      { 'retry-after': String(err.retryAfterSeconds) },
    ),
};
