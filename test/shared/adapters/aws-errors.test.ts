import { describe, expect, it } from 'vitest';
import { writeError } from '../../../shared/adapters/aws-errors.ts';
import { WriteError } from '../../../shared/process/errors.ts';
import { throttled } from '../../helpers/process.ts';

const sdkError = (name: string, status: number) =>
  Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });

describe('writeError', () => {
  it('throttling, 5xx and dropped connections are retryable, keeping the SDK error as cause', () => {
    for (const err of [
      throttled(),
      sdkError('InternalError', 500),
      sdkError('SlowDown', 503),
      Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
    ]) {
      const e = writeError('s3', 'PutObject', err);
      expect(e).toBeInstanceOf(WriteError);
      expect(e.retryable).toBe(true);
      expect(e.cause).toBe(err);
      expect(e.target).toBe('s3');
    }
  });

  it('access denied, a missing table or a validation error are permanent, named in the message', () => {
    const denied = writeError('dynamodb', 'UpdateItem', sdkError('AccessDeniedException', 400));
    expect(denied.retryable).toBe(false);
    expect(denied.message).toBe('UpdateItem failed: AccessDeniedException');
    expect(writeError('dynamodb', 'UpdateItem', sdkError('ResourceNotFoundException', 400)).retryable).toBe(
      false,
    );
    expect(writeError('s3', 'PutObject', sdkError('NoSuchBucket', 404)).retryable).toBe(false);
  });
});
