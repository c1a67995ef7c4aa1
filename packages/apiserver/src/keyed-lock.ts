/**
 * An in-process queue per object key. Concurrent PATCHes of one object in this process run one
 * after another instead of racing to the store and burning their conflict retries on each other;
 * writers in other replicas are still handled by optimistic concurrency and the retry loop.
 */
export interface KeyedLock {
  run<T>(key: string, fn: () => Promise<T>): Promise<T>;
}

export function createKeyedLock(): KeyedLock {
  const tails = new Map<string, Promise<unknown>>();
  return {
    async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
      const prev = tails.get(key) ?? Promise.resolve();
      const result = prev.then(fn, fn);
      const tail = result.then(() => undefined, () => undefined);
      tails.set(key, tail);
      try {
        return await result;
      } finally {
        // Forget the key once nobody queued behind us, so the map does not grow with every name.
        if (tails.get(key) === tail) tails.delete(key);
      }
    },
  };
}
