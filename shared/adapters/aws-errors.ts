import { WriteError, type WriteTarget } from '../process/errors.ts';

const RETRYABLE_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'SlowDown',
  'ServiceUnavailable',
  'InternalServerError',
  'InternalError',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'AbortError',
  'KMSThrottlingException',
  'TransactionInProgressException',
]);
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND']);

/** True for throttling, 5xx, timeouts and dropped connections: the same call may succeed later. */
export function isRetryableAwsError(err: unknown): boolean {
  const e = err as {
    name?: string;
    code?: string;
    $retryable?: unknown;
    $metadata?: { httpStatusCode?: number };
  };
  if (e?.$retryable) return true;
  if (e?.name && RETRYABLE_NAMES.has(e.name)) return true;
  if (e?.code && NETWORK_CODES.has(e.code)) return true;
  const status = e?.$metadata?.httpStatusCode;
  return status !== undefined && (status >= 500 || status === 429);
}

/** Wraps an SDK error into the typed error the processor acts on; `what` names the call, never record data. */
export function writeError(target: WriteTarget, what: string, err: unknown): WriteError {
  const name = (err as { name?: string })?.name ?? 'Error';
  return new WriteError(target, `${what} failed: ${name}`, {
    retryable: isRetryableAwsError(err),
    cause: err,
  });
}
