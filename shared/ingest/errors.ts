import { SluiceError } from '../errors.ts';

/**
 * Why an ingestion request (or a part of it) was refused. Permanent refusals (`RefusedError` and subclasses) are
 * the client's problem and map to 4xx; `StreamUnavailableError` is retryable and maps to 429/503 with Retry-After.
 * Messages are shown to the client: they name the problem and never quote the client's data.
 */
export const REFUSAL_KINDS = [
  'missingKey',
  'invalidKey',
  'wrongRegion',
  'tooLarge',
  'tooManyRecords',
  'recordTooLarge',
  'malformed',
  'empty',
  'unsupportedMediaType',
  'unsupportedEncoding',
] as const;
export type RefusalKind = (typeof REFUSAL_KINDS)[number];

const STATUS: Readonly<Record<RefusalKind, number>> = {
  missingKey: 401,
  invalidKey: 401,
  wrongRegion: 403,
  tooLarge: 413,
  tooManyRecords: 413,
  recordTooLarge: 413,
  malformed: 400,
  empty: 400,
  unsupportedMediaType: 415,
  unsupportedEncoding: 415,
};

export interface RefusalOptions extends ErrorOptions {
  item?: number;
  reason?: string;
}

export class RefusedError extends SluiceError {
  override readonly name: string = 'RefusedError';
  readonly kind: RefusalKind;
  readonly status: number;
  /** 0-based position of the offending item/event in the request, when one item is to blame (HEC, ES). */
  readonly item: number | undefined;
  /** Protocol-specific sub-reason a response builder may map to a native code (HEC `eventRequired`, …). */
  readonly reason: string | undefined;

  constructor(kind: RefusalKind, message: string, options?: RefusalOptions) {
    super(message, options?.cause === undefined ? {} : { cause: options.cause });
    this.kind = kind;
    this.status = STATUS[kind];
    this.item = options?.item;
    this.reason = options?.reason;
  }
}

/** The body cannot be read as the protocol it was sent to: bad JSON, a HEC event without `event`, … */
export class MalformedBodyError extends RefusedError {
  override readonly name = 'MalformedBodyError';
  constructor(message: string, options?: RefusalOptions) {
    super('malformed', message, options);
  }
}

/** The body, the decompressed body, one record or the record count is over a limit. */
export class TooLargeError extends RefusedError {
  override readonly name = 'TooLargeError';
  constructor(
    kind: 'tooLarge' | 'tooManyRecords' | 'recordTooLarge',
    message: string,
    options?: RefusalOptions,
  ) {
    super(kind, message, options);
  }
}

/** No key, an unknown key, or a tenant homed in another residency region. */
export class AuthError extends RefusedError {
  override readonly name = 'AuthError';
  constructor(kind: 'missingKey' | 'invalidKey' | 'wrongRegion', message: string) {
    super(kind, message);
  }
}

/** Retryable: the stream did not take every record within the request's time budget. */
export class StreamUnavailableError extends SluiceError {
  override readonly name = 'StreamUnavailableError';
  readonly retryAfterSeconds: number;
  /** True when Kinesis said it was throttling (429 is then the honest status); false for other failures (503). */
  readonly throttled: boolean;

  constructor(message: string, options: ErrorOptions & { retryAfterSeconds: number; throttled: boolean }) {
    super(message, { cause: options.cause, retryable: true });
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.throttled = options.throttled;
  }
}
