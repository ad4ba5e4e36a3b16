import type { RefusedError } from '../errors.ts';
import { TooLargeError } from '../errors.ts';
import { type BulkItem, type BulkItemError, parseBulk } from '../es-bulk.ts';
import {
  acceptsGzip,
  bodyBytes,
  type IngestResponse,
  jsonResponse,
  MAX_RESPONSE_BYTES,
} from '../responses.ts';
import { unavailableStatus } from './common.ts';
import type { IngestProtocol } from './types.ts';

/** Elasticsearch clients (7.14+) refuse any 2xx answer that lacks this header; it is harmless on the others. */
const ES_PRODUCT = { 'x-elastic-product': 'Elasticsearch' } as const;

function esResponse(statusCode: number, body: unknown, headers: Record<string, string> = {}): IngestResponse {
  return jsonResponse(statusCode, body, { ...ES_PRODUCT, ...headers });
}

function esError(status: number, type: string, reason: string, headers: Record<string, string> = {}) {
  return esResponse(status, { error: { root_cause: [{ type, reason }], type, reason }, status }, headers);
}

/** The `_bulk` item error of a document the stream did not take. */
export const STREAM_REJECTED: BulkItemError = {
  status: 429,
  type: 'es_rejected_execution_exception',
  reason: 'the stream did not accept the document in time; retry',
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
function esInfoResponse(head: boolean): IngestResponse {
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

function esLicenseResponse(): IngestResponse {
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

/**
 * Elasticsearch `_bulk`: answered per item, like Elasticsearch. A document over the stream record limit, or one
 * whose envelope the stream did not take, fails only its item; the request itself answers 200.
 */
export const esProtocol: IngestProtocol<BulkItem[]> = {
  name: 'es',
  routes: [
    { name: 'esBulk', path: '/_bulk', methods: ['POST', 'PUT'] },
    { name: 'esBulk', path: '/{index}/_bulk', methods: ['POST', 'PUT'] },
    { name: 'esInfo', path: '/', methods: ['GET', 'HEAD'], answer: ({ head }) => esInfoResponse(head) },
    { name: 'esLicense', path: '/_license', methods: ['GET'], answer: () => esLicenseResponse() },
  ],
  auth: ['Authorization: ApiKey <key or base64 id:key>', 'Authorization: Basic (key as password)'],
  recordProtocol: 'es-bulk',
  parse: (req, f) => parseBulk(req.body.text, f, req.params['index']),
  checkPacked(items, packed, records, req) {
    // Ids and oversized documents are known now: the answer is bounded with them, before anything is written.
    const oversized = new Set(packed.oversized);
    for (const item of items) {
      if (item.record === undefined) continue;
      if (item.id === undefined) item.id = records[item.record]!.ingest.id;
      if (oversized.has(item.record)) {
        item.error = {
          status: 413,
          type: 'content_too_long_exception',
          reason: `the document is over the ${req.limits.maxRecordBytes}-byte limit of one stream record`,
        };
      }
    }
    if (
      !acceptsGzip(req.headers['accept-encoding']) &&
      bulkResponseBound(items, STREAM_REJECTED) > MAX_RESPONSE_BYTES
    ) {
      throw new TooLargeError(
        'tooManyRecords',
        `${items.length} actions would not fit in one answer; send smaller bulk requests or accept gzip`,
      );
    }
  },
  accepted(items, { records, packed, stream, tookMs }) {
    const failedRecord = new Uint8Array(records.length);
    packed.entries.forEach((e, i) => {
      if (!stream.accepted[i]) failedRecord.fill(1, e.from, e.to);
    });
    for (const item of items) {
      if (item.record !== undefined && !item.error && failedRecord[item.record] === 1) {
        item.error = STREAM_REJECTED;
      }
    }
    return bulkResponse(items, tookMs);
  },
  refusal(err) {
    const headers: Record<string, string> =
      err.status === 401 ? { 'www-authenticate': 'Basic realm="security", charset="UTF-8", ApiKey' } : {};
    return esError(err.status, esErrorType(err), err.message, headers);
  },
  unavailable(err) {
    const status = unavailableStatus(err.throttled);
    return esError(status, 'es_rejected_execution_exception', err.message, {
      'retry-after': String(err.retryAfterSeconds),
    });
  },
};
