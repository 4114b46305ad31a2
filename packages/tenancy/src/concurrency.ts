/**
 * Runs `work` over every item of a (possibly async, possibly huge) iterable with at most
 * `concurrency` in flight, reading items only as workers free up. `work` must not throw:
 * each caller turns failures into results, so one bad item never stops the rest.
 */
export async function forEachConcurrent<T>(
  items: Iterable<T> | AsyncIterable<T>,
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  const iterator =
    Symbol.asyncIterator in items ? (items as AsyncIterable<T>)[Symbol.asyncIterator]() : (items as Iterable<T>)[Symbol.iterator]();
  let done = false;
  const next = async (): Promise<IteratorResult<T>> => (done ? { done: true, value: undefined } : iterator.next());
  const worker = async () => {
    for (;;) {
      const item = await next();
      if (item.done) {
        done = true;
        return;
      }
      await work(item.value);
    }
  };
  const workers = Math.max(1, Math.floor(concurrency));
  await Promise.all(Array.from({ length: workers }, worker));
}
