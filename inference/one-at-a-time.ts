// Runs async tasks one at a time, in order: the model cache's loads, so that a load's memory growth
// is its own and two loads' main-thread work never lands back to back. The next task starts a
// macrotask after the previous settles, so requests waiting on I/O are answered in between; when
// idle, a task starts at once (synchronously).
export class OneAtATime {
  private waiting: (() => void)[] = [];
  private running = false;
  private count = 0;

  /** Tasks waiting or under way. */
  get size(): number {
    return this.count;
  }

  run<T>(task: () => Promise<T>): Promise<T> {
    this.count++;
    return new Promise<T>((resolve, reject) => {
      const start = () => {
        this.running = true;
        let p: Promise<T>;
        try {
          p = task();
        } catch (err) {
          p = Promise.reject(err);
        }
        void p.then(resolve, reject).finally(() => {
          this.count--;
          const next = this.waiting.shift();
          if (next) setImmediate(next);
          else this.running = false;
        });
      };
      if (this.running) this.waiting.push(start);
      else start();
    });
  }
}
