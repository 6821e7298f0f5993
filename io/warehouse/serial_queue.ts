/**
 * Runs asynchronous tasks one at a time, in the order they were submitted.
 *
 * The DuckDB warehouse has one connection, and a connection has one transaction at a time: two writes interleaving
 * their statements would commit each other's halves. Queueing every use of the connection (writes, queries, close)
 * makes the order of calls the order of effects, which is also what makes "the later batch wins" hold.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  /** Runs `task` after every task submitted before it has settled; a failed task does not stop the queue. */
  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
