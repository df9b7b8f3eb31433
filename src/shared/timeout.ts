/**
 * `work`'s outcome, or a rejection with `expired()` once `ms` pass first; `Infinity` waits as long
 * as `work` does (a timer of `Infinity` would fire after 1 ms). The timer is cleared as soon as
 * `work` settles, so it never holds the process open. `work` itself is not cancelled.
 *
 * @example
 * ```ts
 * await withTimeout(queue.add(name, data), 5_000, () => new Error('Redis did not answer within 5000 ms'));
 * ```
 */
export function withTimeout<T>(work: Promise<T>, ms: number, expired: () => Error): Promise<T> {
  if (ms === Infinity) return work;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(expired()), ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
