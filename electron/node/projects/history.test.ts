import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HistoryStore } from "./history";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "draftline-history-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const draft = (n: number) => ({ text: `version ${n} `.repeat(50) });

describe("HistoryStore", () => {
  it("lists snapshots newest first with label, reason and words, and reads each one back", async () => {
    const store = new HistoryStore(path.join(dir, "novel.draftline-history"));
    const first = await store.add(draft(1), { label: "Before regenerating step 3", reason: "before-regeneration", words: 100 });
    await store.add(draft(2), { label: "Checkpoint", reason: "manual", words: 150 });
    const list = await store.list();
    expect(list.map((e) => [e.label, e.reason, e.words])).toEqual([
      ["Checkpoint", "manual", 150],
      ["Before regenerating step 3", "before-regeneration", 100],
    ]);
    expect(list[0]?.bytes).toBeGreaterThan(0);
    expect(await store.read(first.id)).toEqual(draft(1));
    // A fresh store (the app restarted) sees the same history.
    expect((await new HistoryStore(store.folder).list()).map((e) => e.id)).toEqual(list.map((e) => e.id));
  });

  it("drops the oldest snapshots beyond the count cap", async () => {
    const store = new HistoryStore(dir, { maxCount: 3, maxBytes: 1e9 });
    for (let i = 1; i <= 5; i++) await store.add(draft(i), { label: `v${i}`, reason: "manual", words: i });
    expect((await store.list()).map((e) => e.label)).toEqual(["v5", "v4", "v3"]);
    expect((await readdir(dir)).filter((f) => f.endsWith(".gz"))).toHaveLength(3);
  });

  it("drops the oldest snapshots beyond the byte cap, but always keeps the newest", async () => {
    const probe = new HistoryStore(path.join(dir, "probe"));
    const size = (await probe.add(draft(0), { label: "p", reason: "manual", words: 0 })).bytes;
    const store = new HistoryStore(path.join(dir, "h"), { maxCount: 100, maxBytes: size * 2 + 10 });
    for (let i = 1; i <= 4; i++) await store.add(draft(i), { label: `v${i}`, reason: "manual", words: i });
    expect((await store.list()).map((e) => e.label)).toEqual(["v4", "v3"]);
    const tiny = new HistoryStore(path.join(dir, "tiny"), { maxCount: 100, maxBytes: 1 });
    await tiny.add(draft(1), { label: "only", reason: "manual", words: 1 });
    expect((await tiny.list()).map((e) => e.label)).toEqual(["only"]);
  });

  it("rebuilds a damaged index from the snapshot files", async () => {
    const store = new HistoryStore(dir);
    await store.add(draft(1), { label: "one", reason: "manual", words: 1 });
    await store.add(draft(2), { label: "two", reason: "before-plan-edit", words: 2 });
    await writeFile(path.join(dir, "index.json"), "{ not json");
    const reopened = new HistoryStore(dir);
    expect((await reopened.list()).map((e) => e.label)).toEqual(["two", "one"]);
  });

  it("moves with the project when it is saved under another name", async () => {
    const store = new HistoryStore(path.join(dir, "a.draftline-history"));
    const entry = await store.add(draft(1), { label: "one", reason: "manual", words: 1 });
    await store.moveTo(path.join(dir, "b.draftline-history"));
    expect(await readdir(dir)).toEqual(["b.draftline-history"]);
    expect(await new HistoryStore(path.join(dir, "b.draftline-history")).read(entry.id)).toEqual(draft(1));
  });
});
