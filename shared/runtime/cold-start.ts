/**
 * Starts `init` at module load (the first invocation does not wait for it from scratch) and caches it for the
 * sandbox. A failed init, such as a throttled secret read, is started again by the next invocation instead of
 * failing every later one with the same rejected promise.
 */
export function coldStart<T>(init: () => Promise<T>, onError: (err: unknown) => void): () => Promise<T> {
  let ready: Promise<T> | undefined;
  const start = (): Promise<T> => {
    const attempt = init();
    attempt.catch((err: unknown) => {
      onError(err);
      if (ready === attempt) ready = undefined;
    });
    return attempt;
  };
  ready = start();
  return () => {
    ready ??= start();
    return ready;
  };
}
