import { isFirehoseDelivery, parseFirehose } from '../firehose.ts';
import { firstNonSpace, parseGenericBody } from '../generic.ts';
import { isOtlpLogs, parseOtlpLogs } from '../otlp.ts';
import { jsonResponse } from '../responses.ts';
import { refuseOversized, requireWritten, unavailableStatus } from './common.ts';
import type { IngestProtocol } from './types.ts';

/**
 * `POST /ingest`: anything line- or JSON-shaped, sniffed. An OTLP or Firehose body posted here is read as what it
 * is. The head only picks the bodies worth parsing twice; ordinary logs carry `requestId` and `records` too, so
 * the parsed document decides.
 */
export const ingestProtocol: IngestProtocol<void> = {
  name: 'ingest',
  routes: [{ name: 'ingest', path: '/ingest', methods: ['POST'] }],
  auth: ['Authorization: Bearer <key>', 'X-Api-Key: <key>', 'Authorization: Basic (key as password)'],
  recordProtocol: 'text',
  parse(req, f) {
    const text = req.body.text;
    const at = firstNonSpace(text);
    const head = at !== -1 && text.charCodeAt(at) === 123 ? text.slice(at, at + 64) : '';
    let doc: unknown;
    if (head.includes('"resourceLogs"') || head.includes('"requestId"')) {
      try {
        doc = JSON.parse(text);
      } catch {
        doc = undefined;
      }
    }
    if (isOtlpLogs(doc)) {
      f.ctx.protocol = 'otlp';
      parseOtlpLogs(doc, f, req.limits.maxDepth);
    } else if (isFirehoseDelivery(doc)) {
      f.ctx.protocol = 'firehose';
      parseFirehose(doc, f, req.limits.maxDecompressedBytes);
    } else {
      parseGenericBody(text, f, { label: true });
    }
  },
  checkPacked: (_, packed, __, req) => refuseOversized(packed, req),
  accepted(_, written) {
    requireWritten(written);
    return jsonResponse(200, { accepted: written.records.length });
  },
  refusal: (err) => jsonResponse(err.status, { error: err.kind, message: err.message }),
  unavailable: (err) =>
    jsonResponse(
      unavailableStatus(err.throttled),
      { error: 'unavailable', message: err.message },
      { 'retry-after': String(err.retryAfterSeconds) },
    ),
};
