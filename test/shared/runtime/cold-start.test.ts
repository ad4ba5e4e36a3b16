import { describe, expect, it } from 'vitest';
import { coldStart } from '../../../shared/runtime/cold-start.ts';

describe('coldStart', () => {
  it('runs init once while it succeeds', async () => {
    let calls = 0;
    const ready = coldStart(
      async () => ++calls,
      () => {},
    );
    expect([await ready(), await ready(), await ready()]).toEqual([1, 1, 1]);
    expect(calls).toBe(1);
  });

  it('starts init again after a failure instead of failing every later invocation', async () => {
    let calls = 0;
    const errors: unknown[] = [];
    const ready = coldStart(
      async () => {
        calls++;
        if (calls === 1) throw new Error('ThrottlingException');
        return 'app';
      },
      (err) => errors.push(err),
    );
    await expect(ready()).rejects.toThrow('ThrottlingException');
    expect(await ready()).toBe('app');
    expect(await ready()).toBe('app');
    expect(calls).toBe(2);
    expect(errors).toHaveLength(1);
  });
});
