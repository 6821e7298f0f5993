/**
 * Where stateful steps keep their per-key state. The direct runner keeps it in memory; a
 * checkpointing store (snapshots to the local data folder, restored after a crash) implements the
 * same interface, so the steps do not change when state becomes durable.
 *
 * Keys are encoded (see sdk/kv.ts encodeKey) so that equal keys are equal map keys.
 */
export interface StateTable<S> {
  get(key: unknown): S | undefined;
  set(key: unknown, value: S): void;
  delete(key: unknown): void;
  readonly size: number;
  entries(): IterableIterator<[unknown, S]>;
}

export interface StateBackend {
  /** The table of one step; the same name gives the same table. */
  table<S>(stepName: string): StateTable<S>;
}

export class InMemoryStateBackend implements StateBackend {
  private readonly tables = new Map<string, Map<unknown, unknown>>();

  table<S>(stepName: string): StateTable<S> {
    let t = this.tables.get(stepName);
    if (!t) {
      t = new Map();
      this.tables.set(stepName, t);
    }
    return t as Map<unknown, S>;
  }
}
