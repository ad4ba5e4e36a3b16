import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { RecordSink } from '../../shared/adapters/kinesis-producer.ts';
import type { SluiceConfig, Tenant } from '../../shared/config/load.ts';
import { credentialCandidates, type KeyStore } from '../../shared/ingest/auth.ts';
import { refuseMsgpack, requestBody } from '../../shared/ingest/body.ts';
import {
  AuthError,
  RefusedError,
  StreamUnavailableError,
  TooLargeError,
} from '../../shared/ingest/errors.ts';
import { DEFAULT_BUDGET_MS, DEFAULT_LIMITS, type IngestLimits } from '../../shared/ingest/limits.ts';
import { compressPacked, packForStream } from '../../shared/ingest/pack.ts';
import type { IngestRequest, RequestContext } from '../../shared/ingest/protocols/types.ts';
import { RecordFactory } from '../../shared/ingest/records.ts';
import {
  fitResponse,
  type IngestResponse,
  jsonResponse,
  methodNotAllowedResponse,
  notFoundResponse,
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
  /**
   * Base URL of another region's ingest endpoint, named in a wrong-region refusal (the multi-region local stack);
   * default `https://<customDomain>` when the region has one.
   */
  endpointOf?: (region: string) => string | undefined;
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

function lowerCaseHeaders(headers: APIGatewayProxyEventV2['headers'] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k in headers) {
    const v = headers[k];
    if (v !== undefined) out[k.toLowerCase()] = v;
  }
  return out;
}

interface Answer {
  route: string;
  res: IngestResponse;
  info: Info;
}

/**
 * The ingest edge: route → size check → key check → residency → decode → parse (the route's protocol) → pack
 * into envelopes → put to the stream → the protocol's own answer. Nothing is decoded before the key is verified,
 * and 2xx means every record the client is told was accepted is in the stream.
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
    const url = deps.endpointOf?.(tenant.homeRegion) ?? (domain ? `https://${domain}` : undefined);
    return new AuthError(
      'wrongRegion',
      `tenant "${tenant.id}" is homed in region "${tenant.homeRegion}" (${home?.awsRegion ?? 'unknown'}), not ` +
        `"${region}": send its data to the ${tenant.homeRegion} endpoint${url ? ` ${url}` : ''}; ` +
        'nothing was stored or forwarded',
    );
  }

  function authenticate(headers: Readonly<Record<string, string>>): { tenant: Tenant; keyId: string } {
    const candidates = credentialCandidates(headers);
    const match = keys.verify(candidates);
    if (!match) {
      throw candidates.length === 0
        ? new AuthError('missingKey', 'an ingestion key is required (Authorization header)')
        : new AuthError('invalidKey', 'the ingestion key is not valid');
    }
    const tenant = tenants.get(match.tenant);
    if (!tenant) throw new AuthError('invalidKey', 'the ingestion key is not valid');
    return { tenant, keyId: match.keyId };
  }

  async function ingest(event: APIGatewayProxyEventV2, route: Route, ctx: RequestContext): Promise<Answer> {
    const protocol = route.protocol;
    const raw = event.body ?? '';
    const info: Info = {
      bytes: event.isBase64Encoded ? Math.floor((raw.length * 3) / 4) : Buffer.byteLength(raw),
    };
    let parsed: unknown;
    try {
      if (info.bytes! > limits.maxBodyBytes) {
        throw new TooLargeError(
          'tooLarge',
          `the body exceeds ${limits.maxBodyBytes} bytes; send smaller batches`,
        );
      }
      const { tenant, keyId } = authenticate(ctx.headers);
      info.tenant = tenant.id;
      info.keyId = keyId;
      if (tenant.homeRegion !== region) throw wrongRegion(tenant);

      const body = requestBody(
        raw,
        event.isBase64Encoded,
        ctx.headers['content-encoding'],
        limits.maxDecompressedBytes,
      );
      refuseMsgpack(ctx.headers['content-type'], body);
      const req: IngestRequest = {
        headers: ctx.headers,
        query: event.rawQueryString ?? '',
        body,
        params: route.params,
        limits,
      };
      let n = 0;
      const idBase = protocol.idBase?.(ctx) ?? ctx.requestId;
      const factory = new RecordFactory(
        {
          tenant: tenant.id,
          region,
          protocol: protocol.recordProtocol,
          receivedAt: ctx.now,
          nextId: () => `${idBase}-${n++}`,
        },
        limits,
      );
      parsed = protocol.parse(req, factory);
      const records = factory.records;
      info.records = records.length;
      const packed = await compressPacked(packForStream(records, limits.maxRecordBytes));
      protocol.checkPacked(parsed, packed, records, req);
      const stream =
        packed.entries.length > 0
          ? await sink.put(packed.entries, { deadline: ctx.now + budgetMs })
          : { accepted: [], failed: 0, throttled: false };
      const res = protocol.accepted(parsed, { records, packed, stream, tookMs: now() - ctx.now }, ctx);
      return { route: route.name, res, info };
    } catch (err) {
      if (err instanceof RefusedError) {
        return {
          route: route.name,
          res: protocol.refusal(err, ctx, parsed),
          info: { ...info, reason: err.message },
        };
      }
      if (err instanceof StreamUnavailableError) {
        const res = protocol.unavailable(err, ctx, parsed);
        return { route: route.name, res, info: { ...info, reason: err.message } };
      }
      throw err;
    }
  }

  async function handle(event: APIGatewayProxyEventV2, started: number): Promise<Answer> {
    const method = (event.requestContext?.http?.method ?? 'GET').toUpperCase();
    const path = event.rawPath ?? event.requestContext?.http?.path ?? '/';
    const route = matchRoute(path);
    if (!route) return { route: 'unknown', res: notFoundResponse(method, path), info: {} };
    if (!route.methods.includes(method)) {
      return { route: route.name, res: methodNotAllowedResponse(route.methods), info: {} };
    }
    if (route.answer)
      return { route: route.name, res: route.answer({ head: method === 'HEAD', region }), info: {} };
    const ctx: RequestContext = {
      headers: lowerCaseHeaders(event.headers),
      requestId: event.requestContext.requestId,
      now: started,
      limits,
    };
    return ingest(event, route, ctx);
  }

  return async (event) => {
    const started = now();
    let answer: Answer;
    try {
      answer = await handle(event, started);
    } catch (err) {
      // A bug of ours, not bad input: 500 without details. Only the error's name is logged: messages such as
      // JSON.parse's quote the input, which may hold personal data.
      answer = {
        route: matchRoute(event.rawPath ?? '/')?.name ?? 'unknown',
        res: jsonResponse(500, {
          error: 'internal',
          message: 'internal error; the request was not accepted',
        }),
        info: { reason: `internal: ${(err as Error)?.name ?? 'Error'}` },
      };
    }
    const { route, res, info } = answer;
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
