// The rules of group writing (src/app/ledger-batcher.ts), against a flush that settles whenever
// fast-check says: never more statements at once than allowed, one group and distinct items per
// batch, never an item in two statements at once, every write answered once with its own outcome.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Batcher, type Outcome } from "../../src/app/ledger-batcher.js";

interface Write {
  id: number;
  group: string;
  item: string;
  /** the flush fails this write alone, or throws for its whole batch */
  fate: "ok" | "refused" | "throws";
}

const writeArb = fc.record({
  group: fc.constantFrom("redeem", "consume"),
  item: fc.constantFrom("a", "b", "c", "d", "e", "f"),
  fate: fc.constantFrom("ok", "ok", "ok", "refused", "throws"),
});

describe("Batcher", () => {
  it("keeps its rules whatever arrives and however the statements end", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(writeArb, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 5 }),
        fc.scheduler(),
        async (specs, inFlight, maxBatch, s) => {
          const writes: Write[] = specs.map((w, id) => ({ id, ...w }));
          const busyItems = new Set<string>();
          let flying = 0;
          const batches: Write[][] = [];
          const batcher = new Batcher<Write, number>(
            async (group, values) => {
              flying++;
              expect(flying).toBeLessThanOrEqual(inFlight);
              expect(values.length).toBeLessThanOrEqual(maxBatch);
              expect(new Set(values.map((w) => w.group))).toEqual(new Set([group]));
              for (const w of values) {
                expect(busyItems.has(w.item), `item ${w.item} in two statements`).toBe(false);
                busyItems.add(w.item);
              }
              expect(new Set(values.map((w) => w.item)).size).toBe(values.length);
              batches.push(values);
              try {
                await s.schedule(Promise.resolve(), `flush ${values.map((w) => w.id)}`);
                if (values.some((w) => w.fate === "throws")) throw new Error(`batch of ${values[0]!.id}`);
                return values.map(
                  (w): Outcome<number> =>
                    w.fate === "ok" ? { ok: true, value: w.id } : { ok: false, error: `refused ${w.id}` },
                );
              } finally {
                flying--;
                for (const w of values) busyItems.delete(w.item);
              }
            },
            { inFlight, maxBatch },
          );
          const answers = await s.waitFor(
            Promise.allSettled(
              writes.map((w) =>
                s.schedule(Promise.resolve(w)).then((x) => batcher.write(x.group, x.item, x)),
              ),
            ),
          );
          // every write went in exactly one batch
          expect(
            batches
              .flat()
              .map((w) => w.id)
              .sort((a, b) => a - b),
          ).toEqual(writes.map((w) => w.id));
          answers.forEach((answer, id) => {
            const batch = batches.find((b) => b.some((w) => w.id === id))!;
            if (batch.some((w) => w.fate === "throws")) {
              expect(answer).toEqual({ status: "rejected", reason: new Error(`batch of ${batch[0]!.id}`) });
            } else if (writes[id]!.fate === "ok") {
              expect(answer).toEqual({ status: "fulfilled", value: id });
            } else {
              expect(answer).toEqual({ status: "rejected", reason: `refused ${id}` });
            }
          });
          expect(batcher.state).toEqual({ waiting: 0, inFlight: 0 });
        },
      ),
      { numRuns: 300 },
    );
  });

  it("writes waiting for a busy statement go together in the next one", async () => {
    const flushed: string[][] = [];
    let release!: () => void;
    const first = new Promise<void>((r) => {
      release = r;
    });
    const batcher = new Batcher<string, string>(
      async (_group, values) => {
        flushed.push(values);
        if (flushed.length === 1) await first;
        return values.map((value) => ({ ok: true, value }));
      },
      { inFlight: 1, maxBatch: 64 },
    );
    const answers = Promise.all(
      ["a", "b", "b", "c"].map((item, i) => batcher.write("g", item, `${item}${i}`)),
    );
    await Promise.resolve();
    release();
    expect(await answers).toEqual(["a0", "b1", "b2", "c3"]);
    // a0 goes at once, alone; the others wait for it, then go together, but one write per item
    expect(flushed).toEqual([["a0"], ["b1", "c3"], ["b2"]]);
  });
});
