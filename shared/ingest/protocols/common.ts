import { MalformedBodyError, RefusedError, StreamUnavailableError, TooLargeError } from '../errors.ts';
import { firstNonSpace } from '../generic.ts';
import { RETRY_AFTER_SECONDS } from '../limits.ts';
import type { Packed } from '../pack.ts';
import type { IngestRequest, Written } from './types.ts';

export function parseJson(text: string, what: string): unknown {
  if (firstNonSpace(text) === -1) throw new RefusedError('empty', 'the body is empty');
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new MalformedBodyError(`the body is not valid JSON (${what})`, { cause });
  }
}

/** The whole request is refused when one record is over the stream's record limit: nothing is stored. */
export function refuseOversized(packed: Packed, req: IngestRequest): void {
  if (packed.oversized.length === 0) return;
  const first = packed.oversized[0]!;
  const max = req.limits.maxRecordBytes;
  throw new TooLargeError(
    'recordTooLarge',
    `record ${first + 1} is over the ${max}-byte limit of one stream record once normalized ` +
      `(${packed.oversized.length} such record(s)); nothing was stored`,
    { item: first },
  );
}

/** 2xx only when every envelope is in the stream; otherwise the retryable refusal. */
export function requireWritten(written: Written): void {
  const { stream, packed } = written;
  if (stream.failed === 0) return;
  throw new StreamUnavailableError(
    `${stream.failed} of ${packed.entries.length} stream writes did not complete in time` +
      `${stream.lastError ? ` (${stream.lastError})` : ''}; retry the request ` +
      '(records of the completed writes may then arrive twice)',
    { retryAfterSeconds: RETRY_AFTER_SECONDS, throttled: stream.throttled },
  );
}

/** 429 when the stream throttled (the honest answer), else 503. */
export function unavailableStatus(throttled: boolean): number {
  return throttled ? 429 : 503;
}
