// Group writing of the ledger (issue 7). Redemptions that arrive while the database is busy with
// earlier ones wait here, not in the connection pool, and go together in the next statement: one
// round trip, one transaction and one flush of the write-ahead log for all of them, where each
// would otherwise pay its own. Nothing waits when the database is not busy: a write goes at once,
// alone, in the statement it always had.
//
// The rules of a batch:
// - at most `inFlight` statements at a time; a write that finds them all busy waits for the next;
// - writes of one group only (one statement text: the same kind of movement, the same guards);
// - one write per item (a package line): a line takes one change per statement, and a line already
//   in a statement in flight waits for it to end, as it would wait for the row's lock;
// - at most `maxBatch` writes.
// Each write is answered when its statement has ended: committed, or failed.

export type Outcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

export interface BatcherOptions {
  /** statements at a time */
  inFlight: number;
  /** writes in one statement */
  maxBatch: number;
}

interface Pending<T, R> {
  group: string;
  item: string;
  value: T;
  resolve: (value: R) => void;
  reject: (error: unknown) => void;
}

/**
 * `flush(group, values)` writes the values of one group, each of another item, in one go: an
 * outcome per value in their order. When it throws, every write of that batch fails with it.
 */
export class Batcher<T, R> {
  private readonly queue: Array<Pending<T, R>> = [];
  private readonly busy = new Set<string>();
  private flights = 0;

  constructor(
    private readonly flush: (group: string, values: T[]) => Promise<Array<Outcome<R>>>,
    private readonly options: BatcherOptions,
  ) {}

  /** Writes `value`, alone or with others of `group`; answers when its statement has ended. */
  write(group: string, item: string, value: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ group, item, value, resolve, reject });
      this.drain();
    });
  }

  /** writes waiting, and statements in flight: for tests and for the curious */
  get state() {
    return { waiting: this.queue.length, inFlight: this.flights };
  }

  private drain() {
    while (this.flights < this.options.inFlight) {
      const batch = this.take();
      if (batch.length === 0) return;
      this.fly(batch);
    }
  }

  /** The oldest waiting write whose item is free, and after it, in order, those that can join it. */
  private take(): Array<Pending<T, R>> {
    const batch: Array<Pending<T, R>> = [];
    const items = new Set<string>();
    let group: string | undefined;
    let kept = 0;
    for (const pending of this.queue) {
      const joins =
        batch.length < this.options.maxBatch &&
        !this.busy.has(pending.item) &&
        !items.has(pending.item) &&
        (group === undefined || pending.group === group);
      if (joins) {
        group = pending.group;
        items.add(pending.item);
        batch.push(pending);
      } else {
        this.queue[kept++] = pending;
      }
    }
    this.queue.length = kept;
    return batch;
  }

  private fly(batch: Array<Pending<T, R>>) {
    this.flights++;
    for (const pending of batch) this.busy.add(pending.item);
    const group = batch[0]!.group;
    Promise.resolve()
      .then(() =>
        this.flush(
          group,
          batch.map((pending) => pending.value),
        ),
      )
      .then(
        (outcomes) => {
          batch.forEach((pending, i) => {
            const outcome = outcomes[i];
            if (outcome?.ok) pending.resolve(outcome.value);
            else pending.reject(outcome ? outcome.error : new Error("the batch gave no outcome for a write"));
          });
        },
        (error: unknown) => {
          for (const pending of batch) pending.reject(error);
        },
      )
      .finally(() => {
        this.flights--;
        for (const pending of batch) this.busy.delete(pending.item);
        this.drain();
      });
  }
}
