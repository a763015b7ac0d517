/**
 * Merges concurrent calls of a batch function into fewer, larger calls: while one call runs, new
 * calls queue up; when it finishes, everything queued goes in one call. Partitions are consumed
 * concurrently, so this is what lets sentences from many partitions share one model batch without
 * adding a timer (and its latency) to a quiet stream.
 */
export class Coalescer<T, R> {
  private queue: { items: readonly T[]; resolve: (r: R[]) => void; reject: (e: unknown) => void }[] = [];
  private running = false;

  constructor(
    private readonly fn: (items: T[]) => Promise<R[]>,
    /** Upper bound on items per call, so a burst cannot build one giant batch. */
    private readonly maxItems = Infinity,
  ) {}

  run(items: readonly T[]): Promise<R[]> {
    if (items.length === 0) return Promise.resolve([]);
    return new Promise<R[]>((resolve, reject) => {
      this.queue.push({ items, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    while (this.queue.length > 0) {
      const calls = [];
      let size = 0;
      // Always take at least one call, however large.
      while (
        this.queue.length > 0 &&
        (calls.length === 0 || size + this.queue[0]!.items.length <= this.maxItems)
      ) {
        const call = this.queue.shift()!;
        calls.push(call);
        size += call.items.length;
      }
      try {
        const results = await this.fn(calls.flatMap((c) => c.items));
        let next = 0;
        for (const c of calls) c.resolve(results.slice(next, (next += c.items.length)));
      } catch (err) {
        if (calls.length === 1) {
          calls[0]!.reject(err);
        } else {
          // One caller's input may be what failed: let each caller run alone to find out.
          for (const c of calls) this.fn([...c.items]).then(c.resolve, c.reject);
        }
      }
    }
    this.running = false;
  }
}
