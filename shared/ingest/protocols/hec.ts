import type { RefusedError } from '../errors.ts';
import { parseHecEvents, parseHecRaw } from '../hec.ts';
import { type IngestResponse, jsonResponse } from '../responses.ts';
import { refuseOversized, requireWritten } from './common.ts';
import type { IngestProtocol } from './types.ts';

/** Splunk HEC error codes (https://docs.splunk.com/Documentation/Splunk/latest/Data/TroubleshootHTTPEventCollector). */
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

const hecAnswers = {
  auth: ['Authorization: Splunk <token>', 'Authorization: Bearer <token>'],
  checkPacked: (_: unknown, packed, __, req) => refuseOversized(packed, req),
  accepted(_: unknown, written) {
    requireWritten(written);
    return jsonResponse(200, { text: 'Success', code: 0 });
  },
  refusal: hecRefusal,
  // Splunk answers 503 "Server is busy" (code 9) whatever the cause; HEC clients retry on it.
  unavailable: (err) =>
    jsonResponse(503, { text: 'Server is busy', code: 9 }, { 'retry-after': String(err.retryAfterSeconds) }),
} satisfies Omit<IngestProtocol<void>, 'name' | 'routes' | 'recordProtocol' | 'parse'>;

const versions = (path: string, methods: readonly string[], name: string) =>
  [path, `${path}/1.0`].map((p) => ({ name, path: p, methods }));

export const hecEventProtocol: IngestProtocol<void> = {
  name: 'hec',
  routes: [
    { name: 'hecEvent', path: '/services/collector', methods: ['POST'] },
    ...versions('/services/collector/event', ['POST'], 'hecEvent'),
    ...versions('/services/collector/health', ['GET'], 'hecHealth').map((r) => ({
      ...r,
      answer: () => jsonResponse(200, { text: 'HEC is healthy', code: 17 }),
    })),
  ],
  recordProtocol: 'hec',
  parse: (req, f) => parseHecEvents(req.body.text, f, req.limits.maxDepth),
  ...hecAnswers,
};

export const hecRawProtocol: IngestProtocol<void> = {
  name: 'hecRaw',
  routes: versions('/services/collector/raw', ['POST'], 'hecRaw'),
  recordProtocol: 'hec-raw',
  parse: (req, f) => parseHecRaw(req.body.text, f, new URLSearchParams(req.query)),
  ...hecAnswers,
};
