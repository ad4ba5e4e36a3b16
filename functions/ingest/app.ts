import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { RecordSink } from '../../shared/adapters/kinesis-producer.ts';
import type { SluiceConfig, Tenant } from '../../shared/config/load.ts';
import { credentialCandidates, type KeyStore } from '../../shared/ingest/auth.ts';
import { bytesToText, decompressBody } from '../../shared/ingest/decode.ts';
import {
  AuthError,
  MalformedBodyError,
  RefusedError,
  StreamUnavailableError,
  TooLargeError,
} from '../../shared/ingest/errors.ts';
import { type BulkItem, type BulkItemError, parseBulk } from '../../shared/ingest/es-bulk.ts';
import { firehoseCommonAttributes, isFirehoseDelivery, parseFirehose } from '../../shared/ingest/firehose.ts';
import { firstNonSpace, parseGenericBody } from '../../shared/ingest/generic.ts';
import { parseHecEvents, parseHecRaw } from '../../shared/ingest/hec.ts';
import {
  DEFAULT_BUDGET_MS,
  DEFAULT_LIMITS,
  type IngestLimits,
  RETRY_AFTER_SECONDS,
} from '../../shared/ingest/limits.ts';
import { isOtlpLogs, parseOtlpLogs } from '../../shared/ingest/otlp.ts';
import { packForStream } from '../../shared/ingest/pack.ts';
import { RecordFactory } from '../../shared/ingest/records.ts';
import {
  acceptedResponse,
  acceptsGzip,
  bulkResponse,
  bulkResponseBound,
  esInfoResponse,
  esLicenseResponse,
  fitResponse,
  healthResponse,
  hecHealthResponse,
  type IngestResponse,
  jsonResponse,
  MAX_RESPONSE_BYTES,
  methodNotAllowedResponse,
  notFoundResponse,
  otlpPartialResponse,
  type ResponseContext,
  refusalResponse,
  unavailableResponse,
} from '../../shared/ingest/responses.ts';
import { matchRoute, type Route } from '../../shared/ingest/routes.ts';

export interface IngestAppDeps {
  config: SluiceConfig;
  /** Residency region (config key) this endpoint serves. */
  region: string;
  keys: KeyStore;
  sink: RecordSink;
  limits?: Partial<IngestLimits>;
  /** Time allowed to get a request's records into the stream (API Gateway cuts the integration at 30 s). */
  budgetMs?: number;
  now?: () => number;
  /** One entry per request: what the function may log about itself (ids, counts, reasons; no record data). */
  log?: (entry: IngestLogEntry) => void;
}

export interface IngestLogEntry {
  requestId: string;
  route: string;
  status: number;
  tenant?: string;
  keyId?: string;
  records?: number;
  bytes?: number;
  reason?: string;
  ms: number;
}

export type IngestHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

type Info = Omit<IngestLogEntry, 'requestId' | 'route' | 'status' | 'ms'>;

const RECORD_PROTOCOL: Readonly<Record<string, string>> = {
  otlpLogs: 'otlp',
  hecEvent: 'hec',
  hecRaw: 'hec-raw',
  esBulk: 'es-bulk',
  firehose: 'firehose',
};

/** The `_bulk` item error of a document the stream did not take. */
const STREAM_REJECTED: BulkItemError = {
  status: 429,
  type: 'es_rejected_execution_exception',
  reason: 'the stream did not accept the document in time; retry',
};

function lowerCaseHeaders(headers: APIGatewayProxyEventV2['headers'] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k in headers) {
    const v = headers[k];
    if (v !== undefined) out[k.toLowerCase()] = v;
  }
  return out;
}

function parseJson(text: string, what: string): unknown {
  if (firstNonSpace(text) === -1) throw new RefusedError('empty', 'the body is empty');
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new MalformedBodyError(`the body is not valid JSON (${what})`, { cause });
  }
}

/**
 * The ingest edge: route → size check → key check → residency → decompress → parse and normalize → pack into
 * envelopes → put to the stream → the protocol's own answer. Nothing is decoded before the key is verified, and
 * 2xx means every record the client is told was accepted is in the stream.
 */
export function createIngestApp(deps: IngestAppDeps): IngestHandler {
  const limits: IngestLimits = { ...DEFAULT_LIMITS, ...deps.limits };
  const budgetMs = deps.budgetMs ?? DEFAULT_BUDGET_MS;
  const now = deps.now ?? Date.now;
  const { config, region, keys, sink } = deps;
  if (!config.regions[region]) throw new RangeError(`region "${region}" is not in the configuration`);
  const tenants = new Map(config.tenants.map((t) => [t.id, t] as const));

  function wrongRegion(tenant: Tenant): AuthError {
    const home = config.regions[tenant.homeRegion];
    const domain = home?.ingest.customDomain?.domainName;
    return new AuthError(
      'wrongRegion',
      `tenant "${tenant.id}" is homed in region "${tenant.homeRegion}" (${home?.awsRegion ?? 'unknown'}), not ` +
        `"${region}": send its data to the ${tenant.homeRegion} endpoint${domain ? ` https://${domain}` : ''}; ` +
        'nothing was stored or forwarded',
    );
  }

  async function ingest(
    event: APIGatewayProxyEventV2,
    route: Route,
    headers: Record<string, string>,
    rctx: ResponseContext,
    info: Info,
  ): Promise<IngestResponse> {
    const started = rctx.now;
    const raw = event.body ?? '';
    const rawBytes = event.isBase64Encoded ? Math.floor((raw.length * 3) / 4) : Buffer.byteLength(raw);
    info.bytes = rawBytes;
    if (rawBytes > limits.maxBodyBytes) {
      throw new TooLargeError(
        'tooLarge',
        `the body exceeds ${limits.maxBodyBytes} bytes; send smaller batches`,
      );
    }

    const candidates = credentialCandidates(headers);
    const match = keys.verify(candidates);
    if (!match) {
      throw candidates.length === 0
        ? new AuthError('missingKey', 'an ingestion key is required (Authorization header)')
        : new AuthError('invalidKey', 'the ingestion key is not valid');
    }
    info.tenant = match.tenant;
    info.keyId = match.keyId;
    const tenant = tenants.get(match.tenant);
    if (!tenant) throw new AuthError('invalidKey', 'the ingestion key is not valid');
    if (tenant.homeRegion !== region) throw wrongRegion(tenant);

    const encoding = headers['content-encoding'];
    let text: string;
    if (
      !event.isBase64Encoded &&
      (encoding === undefined || encoding.trim() === '' || encoding === 'identity')
    ) {
      if (rawBytes > limits.maxDecompressedBytes) {
        throw new TooLargeError('tooLarge', `the body exceeds ${limits.maxDecompressedBytes} bytes`);
      }
      text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
    } else {
      const bytes = Buffer.from(raw, event.isBase64Encoded ? 'base64' : 'utf8');
      text = bytesToText(decompressBody(bytes, encoding, limits.maxDecompressedBytes));
    }

    const contentType = (headers['content-type'] ?? '').toLowerCase();
    const at = firstNonSpace(text);
    const startsJson = at !== -1 && text.charCodeAt(at) === 123;
    if (route.name === 'otlpLogs' && contentType.includes('protobuf') && !startsJson) {
      throw new RefusedError(
        'unsupportedMediaType',
        'OTLP protobuf is not supported: configure the exporter for http/json',
      );
    }
    if (contentType.includes('msgpack') && at !== -1 && !startsJson && text.charCodeAt(at) !== 91) {
      throw new RefusedError(
        'unsupportedMediaType',
        'msgpack is not supported: send JSON (e.g. format json_lines)',
      );
    }

    let n = 0;
    const firehoseId = rctx.firehoseRequestId;
    const idBase =
      route.name === 'firehose' && firehoseId ? `fh-${firehoseId}` : event.requestContext.requestId;
    const factory = new RecordFactory(
      {
        tenant: tenant.id,
        region,
        protocol: RECORD_PROTOCOL[route.name] ?? 'text',
        receivedAt: started,
        nextId: () => `${idBase}-${n++}`,
      },
      limits,
    );

    let items: BulkItem[] | undefined;
    switch (route.name) {
      case 'otlpLogs':
        parseOtlpLogs(parseJson(text, 'OTLP/JSON expected'), factory, limits.maxDepth);
        break;
      case 'hecEvent':
        parseHecEvents(text, factory, limits.maxDepth);
        break;
      case 'hecRaw':
        parseHecRaw(text, factory, new URLSearchParams(event.rawQueryString ?? ''));
        break;
      case 'esBulk':
        items = parseBulk(text, factory, route.index);
        break;
      case 'firehose': {
        const doc = parseJson(text, 'a Firehose delivery expected');
        factory.common = firehoseCommonAttributes(headers['x-amz-firehose-common-attributes']);
        rctx.firehoseRequestId = parseFirehose(doc, factory, limits.maxDecompressedBytes);
        break;
      }
      default: {
        // `/ingest` sniffs: an OTLP or Firehose body posted here is read as what it is. The head only picks the
        // bodies worth parsing twice; ordinary logs carry `requestId` and `records` too, so the parsed document
        // decides.
        const head = startsJson ? text.slice(at, at + 64) : '';
        let doc: unknown;
        if (head.includes('"resourceLogs"') || head.includes('"requestId"')) {
          try {
            doc = JSON.parse(text);
          } catch {
            doc = undefined;
          }
        }
        if (isOtlpLogs(doc)) {
          factory.ctx.protocol = 'otlp';
          parseOtlpLogs(doc, factory, limits.maxDepth);
        } else if (isFirehoseDelivery(doc)) {
          factory.ctx.protocol = 'firehose';
          parseFirehose(doc, factory, limits.maxDecompressedBytes);
        } else {
          parseGenericBody(text, factory, { label: true });
        }
      }
    }

    const records = factory.records;
    info.records = records.length;
    const packed = packForStream(records, limits.maxRecordBytes);
    if (packed.oversized.length > 0 && items === undefined && route.name !== 'otlpLogs') {
      const first = packed.oversized[0]!;
      throw new TooLargeError(
        'recordTooLarge',
        `record ${first + 1} is over the ${limits.maxRecordBytes}-byte limit of one stream record once ` +
          `normalized (${packed.oversized.length} such record(s)); nothing was stored`,
        { item: first },
      );
    }

    if (items) {
      // Ids and oversized documents are known now: the answer is bounded with them, before anything is written.
      const oversized = new Set(packed.oversized);
      for (const item of items) {
        if (item.record === undefined) continue;
        if (item.id === undefined) item.id = records[item.record]!.ingest.id;
        if (oversized.has(item.record)) {
          item.error = {
            status: 413,
            type: 'content_too_long_exception',
            reason: `the document is over the ${limits.maxRecordBytes}-byte limit of one stream record`,
          };
        }
      }
      if (
        !acceptsGzip(headers['accept-encoding']) &&
        bulkResponseBound(items, STREAM_REJECTED) > MAX_RESPONSE_BYTES
      ) {
        throw new TooLargeError(
          'tooManyRecords',
          `${items.length} actions would not fit in one answer; send smaller bulk requests or accept gzip`,
        );
      }
    }

    const result =
      packed.entries.length > 0
        ? await sink.put(packed.entries, { deadline: started + budgetMs })
        : { accepted: [], failed: 0, throttled: false, calls: 0 };

    if (items) {
      const failedRecord = new Uint8Array(records.length);
      packed.entries.forEach((e, i) => {
        if (!result.accepted[i]) failedRecord.fill(1, e.from, e.to);
      });
      for (const item of items) {
        if (item.record !== undefined && !item.error && failedRecord[item.record] === 1) {
          item.error = STREAM_REJECTED;
        }
      }
      return bulkResponse(items, now() - started);
    }

    if (result.failed > 0) {
      const writes = packed.entries.length;
      throw new StreamUnavailableError(
        `${result.failed} of ${writes} stream writes did not complete in time` +
          `${'lastError' in result && result.lastError ? ` (${result.lastError})` : ''}; retry the request ` +
          '(records of the completed writes may then arrive twice)',
        { retryAfterSeconds: RETRY_AFTER_SECONDS, throttled: result.throttled },
      );
    }
    if (route.name === 'otlpLogs' && packed.oversized.length > 0) {
      return otlpPartialResponse(
        packed.oversized.length,
        `${packed.oversized.length} log record(s) are over the ${limits.maxRecordBytes}-byte limit of one ` +
          'stream record and were not stored',
      );
    }
    return acceptedResponse(route.protocol, records.length, rctx);
  }

  async function handle(
    event: APIGatewayProxyEventV2,
    started: number,
    info: Info,
  ): Promise<[string, IngestResponse]> {
    const method = (event.requestContext?.http?.method ?? 'GET').toUpperCase();
    const path = event.rawPath ?? event.requestContext?.http?.path ?? '/';
    const route = matchRoute(path);
    if (!route) return ['unknown', notFoundResponse(method, path)];
    if (!route.methods.includes(method)) return [route.name, methodNotAllowedResponse(route.methods)];
    const head = method === 'HEAD';
    switch (route.name) {
      case 'esInfo':
        return [route.name, esInfoResponse(head)];
      case 'esLicense':
        return [route.name, esLicenseResponse()];
      case 'hecHealth':
        return [route.name, hecHealthResponse()];
      case 'health':
        return [route.name, healthResponse(region, head)];
    }
    const headers = lowerCaseHeaders(event.headers);
    const fhId = headers['x-amz-firehose-request-id'];
    const rctx: ResponseContext = { now: started, ...(fhId !== undefined && { firehoseRequestId: fhId }) };
    try {
      return [route.name, await ingest(event, route, headers, rctx, info)];
    } catch (err) {
      if (err instanceof RefusedError) {
        info.reason = err.message;
        return [route.name, refusalResponse(route.protocol, err, rctx)];
      }
      if (err instanceof StreamUnavailableError) {
        info.reason = err.message;
        return [route.name, unavailableResponse(route.protocol, err, rctx)];
      }
      throw err;
    }
  }

  return async (event) => {
    const started = now();
    const info: Info = {};
    let route = 'unknown';
    let res: IngestResponse;
    try {
      [route, res] = await handle(event, started, info);
    } catch (err) {
      // A bug of ours, not bad input: 500 without details. Only the error's name is logged: messages such as
      // JSON.parse's quote the input, which may hold personal data.
      info.reason = `internal: ${(err as Error)?.name ?? 'Error'}`;
      res = jsonResponse(500, { error: 'internal', message: 'internal error; the request was not accepted' });
    }
    deps.log?.({
      requestId: event.requestContext?.requestId ?? '',
      route,
      status: res.statusCode,
      ...info,
      ms: now() - started,
    });
    const fitted = fitResponse(res, event.headers?.['accept-encoding']);
    return {
      statusCode: fitted.statusCode,
      headers: fitted.headers,
      body: fitted.body,
      isBase64Encoded: fitted.isBase64Encoded ?? false,
    };
  };
}
