import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CASCADE_STEP, clampToDisplays, DEFAULT_SIZE, placeWindow, WindowStateStore } from "./windowState";

const laptop = { workArea: { x: 0, y: 25, width: 1440, height: 875 } };
const monitorOnRight = { workArea: { x: 1440, y: 0, width: 2560, height: 1440 } };

describe("clampToDisplays", () => {
  it("leaves a window that is fully on a screen where it is", () => {
    const bounds = { x: 100, y: 100, width: 800, height: 600 };
    expect(clampToDisplays(bounds, [laptop, monitorOnRight])).toEqual(bounds);
  });

  it("brings back a window from a monitor that was unplugged, onto the primary screen", () => {
    expect(clampToDisplays({ x: 2000, y: 200, width: 1200, height: 800 }, [laptop])).toEqual({ x: 240, y: 100, width: 1200, height: 800 });
  });

  it("moves a window hanging off an edge onto the screen it overlaps most", () => {
    expect(clampToDisplays({ x: 3500, y: 900, width: 1000, height: 800 }, [laptop, monitorOnRight])).toEqual({ x: 3000, y: 640, width: 1000, height: 800 });
  });

  it("shrinks a window larger than the screen to the work area", () => {
    expect(clampToDisplays({ x: -50, y: 0, width: 3000, height: 2000 }, [laptop])).toEqual(laptop.workArea);
  });

  it("keeps the bounds when no screen is known", () => {
    const bounds = { x: 5, y: 5, width: 10, height: 10 };
    expect(clampToDisplays(bounds, [])).toBe(bounds);
  });
});

describe("placeWindow", () => {
  it("opens the first window at the default size, fitted to the screen, placed by the system", () => {
    expect(placeWindow(undefined, [monitorOnRight])).toEqual({ bounds: DEFAULT_SIZE, maximized: false });
    expect(placeWindow(undefined, [laptop])).toEqual({ bounds: { width: 1400, height: 875 }, maximized: false });
  });

  it("reopens a window where it was, maximized if it was", () => {
    const saved = { bounds: { x: 50, y: 60, width: 1000, height: 700 }, maximized: true, savedAt: 1 };
    expect(placeWindow(saved, [laptop])).toEqual({ bounds: saved.bounds, maximized: true });
  });

  it("moves a new window aside from one already in the same place", () => {
    const saved = { bounds: { x: 50, y: 60, width: 1000, height: 700 }, maximized: false, savedAt: 1 };
    const first = placeWindow(saved, [laptop]).bounds;
    const second = placeWindow(saved, [laptop], [saved.bounds]).bounds;
    expect(second).toMatchObject({ x: 50 + CASCADE_STEP, y: 60 + CASCADE_STEP });
    expect(second).not.toEqual(first);
  });
});

describe("WindowStateStore", () => {
  let dir: string;
  let clock = 0;
  const now = () => ++clock;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "draftline-windows-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("remembers each project's window across runs, and the app's last window for the others", () => {
    const store = WindowStateStore.in(dir, now).load();
    store.remember("/novel.draftline", { bounds: { x: 10, y: 20, width: 1000, height: 700 }, maximized: false });
    store.remember("/essay.draftline", { bounds: { x: 30, y: 40, width: 1200, height: 800 }, maximized: true });

    const next = WindowStateStore.in(dir, now).load();
    expect(next.get("/novel.draftline")).toMatchObject({ bounds: { x: 10, y: 20, width: 1000, height: 700 }, maximized: false });
    expect(next.get("/never-opened.draftline")).toMatchObject({ bounds: { x: 30, y: 40 }, maximized: true });
    expect(next.get(null)).toMatchObject({ bounds: { x: 30, y: 40 } });
  });

  it("reads a damaged file as nothing remembered, and writes a good one on the next change", async () => {
    const file = path.join(dir, "window-state.json");
    await writeFile(file, "{ not json");
    const store = WindowStateStore.in(dir, now).load();
    expect(store.get(null)).toBeUndefined();
    store.remember(null, { bounds: { x: 1.4, y: 2.6, width: 800, height: 600 }, maximized: false });
    expect(JSON.parse(await readFile(file, "utf8"))).toMatchObject({ version: 1, app: { bounds: { x: 1, y: 3, width: 800, height: 600 } } });
  });

  it("keeps the 50 most recent projects", () => {
    const store = WindowStateStore.in(dir, now).load();
    for (let i = 0; i < 55; i++) store.remember(`/p${i}.draftline`, { bounds: { x: i, y: 0, width: 800, height: 600 }, maximized: false });
    const next = WindowStateStore.in(dir, now).load();
    expect(next.get("/p54.draftline")?.bounds.x).toBe(54);
    expect(next.get("/p5.draftline")?.bounds.x).toBe(5);
    // Forgotten: falls back to the app's last window (p54).
    expect(next.get("/p4.draftline")?.bounds.x).toBe(54);
  });
});
