import type { LogRecord } from '../../record/record.ts';
import type { RefusedError, StreamUnavailableError } from '../errors.ts';
import type { IngestLimits } from '../limits.ts';
import type { Packed } from '../pack.ts';
import type { RecordFactory } from '../records.ts';
import type { IngestResponse } from '../responses.ts';

/** The decoded body (Content-Encoding undone): bytes for binary protocols, text for the others, each made once. */
export interface RequestBody {
  readonly bytes: Buffer;
  readonly text: string;
}

/** What a protocol sees of a request once the key is verified and the body decoded. */
export interface IngestRequest {
  /** Lower-case header names. */
  headers: Readonly<Record<string, string>>;
  query: string;
  body: RequestBody;
  /** Route parameters (`{index}`), decoded. */
  params: Readonly<Record<string, string>>;
  limits: IngestLimits;
}

/** What the protocol knows before parsing: enough to answer a refusal of an unreadable body. */
export interface RequestContext {
  headers: Readonly<Record<string, string>>;
  requestId: string;
  /** Receive time, epoch ms. */
  now: number;
  limits: IngestLimits;
}

/** How the stream took the request's envelopes. */
export interface StreamOutcome {
  /** One flag per packed entry. */
  accepted: readonly boolean[];
  failed: number;
  throttled: boolean;
  lastError?: string;
}

export interface Written {
  records: readonly LogRecord[];
  packed: Packed;
  stream: StreamOutcome;
  tookMs: number;
}

/** A route of a protocol, in API Gateway path syntax (`{index}` is one segment). */
export interface RouteSpec {
  name: string;
  path: string;
  methods: readonly string[];
  /** A fixed answer (health checks, product checks): no key, no body. */
  answer?: (ctx: { head: boolean; region: string }) => IngestResponse;
}

/**
 * One wire protocol: its routes, the header forms its clients authenticate with, how a request becomes records,
 * and its answers. `P` is what parsing learned that the answer needs (bulk items, an echoed request id).
 */
export interface IngestProtocol<P = unknown> {
  readonly name: string;
  readonly routes: readonly RouteSpec[];
  /** Header forms its clients send the key in (all are accepted by `credentialCandidates`; listed for docs). */
  readonly auth: readonly string[];
  /** `ingest.protocol` of its records (a parser may refine it per body, as `/ingest` does). */
  readonly recordProtocol: string;
  /** Base of the records' ids; the request id unless the protocol has an idempotency key. */
  idBase?(ctx: RequestContext): string;
  parse(req: IngestRequest, f: RecordFactory): P;
  /**
   * After packing, before anything is written: refuse (throw) or mark records whose envelope is over the stream
   * record limit. `refuseOversized` is the usual choice.
   */
  checkPacked(parsed: P, packed: Packed, records: readonly LogRecord[], req: IngestRequest): void;
  /** The answer once the stream has answered; throws `StreamUnavailableError` when not everything was written. */
  accepted(parsed: P, written: Written, ctx: RequestContext): IngestResponse;
  refusal(err: RefusedError, ctx: RequestContext, parsed: P | undefined): IngestResponse;
  unavailable(err: StreamUnavailableError, ctx: RequestContext, parsed: P | undefined): IngestResponse;
}
