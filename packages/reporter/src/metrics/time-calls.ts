/**
 * Wraps an object (a `ReportStore`, a `DeliveryStore`) so that every method returning a promise
 * reports its duration, for `docket_store_operation_duration_seconds{operation}`. Failed calls are
 * timed too and rethrown unchanged. Properties that are not functions, and methods that return
 * something other than a promise (e.g. a watch handle), pass through untimed. Use:
 * `timeCalls(store, metrics.storeLatency)`.
 */
export function timeCalls<T extends object>(target: T, observe: (operation: string, seconds: number) => void, clock: () => number = performanceNow): T {
  const wrappers = new Map<PropertyKey, unknown>();
  return new Proxy(target, {
    get(obj, prop, receiver) {
      const value: unknown = Reflect.get(obj, prop, receiver);
      if (typeof value !== 'function' || typeof prop !== 'string') return value;
      let wrapped = wrappers.get(prop);
      if (!wrapped) {
        const fn = value as (...args: unknown[]) => unknown;
        wrapped = function timed(this: unknown, ...args: unknown[]) {
          const start = clock();
          const out = fn.apply(obj, args);
          if (!isPromise(out)) return out;
          const done = () => observe(prop, (clock() - start) / 1000);
          return out.then((v) => { done(); return v; }, (e: unknown) => { done(); throw e; });
        };
        wrappers.set(prop, wrapped);
      }
      return wrapped;
    },
  });
}

function performanceNow(): number {
  return performance.now();
}

function isPromise(v: unknown): v is Promise<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}
