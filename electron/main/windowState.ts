// Window size and position, remembered per project (and for the app as a whole, used for new
// documents and projects never opened before) in `<app data>/window-state.json`, and brought back
// onto a visible screen when the screens changed since.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import type { Display, Rectangle, WindowSpec } from "./shell";

export const DEFAULT_SIZE = { width: 1400, height: 900 };
export const MIN_SIZE = { width: 960, height: 600 };
/** How far a new window is moved from one already in its place. */
export const CASCADE_STEP = 28;
const MAX_PROJECTS = 50;

const rectangle = z.object({ x: z.number().int(), y: z.number().int(), width: z.number().int().positive(), height: z.number().int().positive() });
const savedWindow = z.object({ bounds: rectangle, maximized: z.boolean(), savedAt: z.number() });
const stateFile = z.object({ version: z.literal(1), app: savedWindow.optional(), projects: z.record(z.string(), savedWindow) });

export type SavedWindow = z.infer<typeof savedWindow>;
type StateFile = z.infer<typeof stateFile>;

function overlap(a: Rectangle, b: Rectangle): number {
  const width = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const height = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return width > 0 && height > 0 ? width * height : 0;
}

function clamp(value: number, low: number, high: number): number {
  return Math.max(low, Math.min(value, high));
}

/**
 * Moves (and if need be shrinks) a window so it lies wholly inside one screen's work area: the screen
 * it overlaps most, or the first (primary) screen when it overlaps none, e.g. after a monitor was
 * unplugged. `displays[0]` must be the primary display.
 */
export function clampToDisplays(bounds: Rectangle, displays: readonly Display[]): Rectangle {
  const first = displays[0];
  if (!first) return bounds;
  let target = first;
  let best = 0;
  for (const display of displays) {
    const area = overlap(bounds, display.workArea);
    if (area > best) {
      best = area;
      target = display;
    }
  }
  const area = target.workArea;
  const width = Math.min(bounds.width, area.width);
  const height = Math.min(bounds.height, area.height);
  return {
    x: clamp(bounds.x, area.x, area.x + area.width - width),
    y: clamp(bounds.y, area.y, area.y + area.height - height),
    width,
    height,
  };
}

/**
 * Where a window opens: where it was last (kept on screen, moved aside from a window already there),
 * or, the first time, at the default size fitted to the primary screen and placed by the system.
 */
export function placeWindow(saved: SavedWindow | undefined, displays: readonly Display[], occupied: readonly Rectangle[] = []): Pick<WindowSpec, "bounds" | "maximized"> {
  if (!saved) {
    const area = displays[0]?.workArea;
    return {
      bounds: { width: area ? Math.min(DEFAULT_SIZE.width, area.width) : DEFAULT_SIZE.width, height: area ? Math.min(DEFAULT_SIZE.height, area.height) : DEFAULT_SIZE.height },
      maximized: false,
    };
  }
  let bounds = clampToDisplays(saved.bounds, displays);
  for (let step = 0; step < 20 && occupied.some((other) => other.x === bounds.x && other.y === bounds.y); step++) {
    bounds = clampToDisplays({ ...bounds, x: bounds.x + CASCADE_STEP, y: bounds.y + CASCADE_STEP }, displays);
  }
  return { bounds, maximized: saved.maximized };
}

/** The remembered windows. Reads once; writes synchronously on each change so a quit cannot lose it. */
export class WindowStateStore {
  private state: StateFile = { version: 1, projects: {} };

  constructor(
    private readonly file: string,
    private readonly now: () => number = Date.now,
  ) {}

  static in(dataDir: string, now?: () => number): WindowStateStore {
    return new WindowStateStore(path.join(dataDir, "window-state.json"), now);
  }

  /** Reads the file; a missing or damaged one reads as nothing remembered. */
  load(): this {
    try {
      const parsed = stateFile.safeParse(JSON.parse(readFileSync(this.file, "utf8")));
      if (parsed.success) this.state = parsed.data;
    } catch {
      // Nothing remembered yet.
    }
    return this;
  }

  /** The project's own window, or else the last window of the app. */
  get(project: string | null): SavedWindow | undefined {
    return (project !== null ? this.state.projects[project] : undefined) ?? this.state.app;
  }

  remember(project: string | null, window: { bounds: Rectangle; maximized: boolean }): void {
    const bounds = {
      x: Math.round(window.bounds.x),
      y: Math.round(window.bounds.y),
      width: Math.max(1, Math.round(window.bounds.width)),
      height: Math.max(1, Math.round(window.bounds.height)),
    };
    const saved: SavedWindow = { bounds, maximized: window.maximized, savedAt: this.now() };
    this.state.app = saved;
    if (project !== null) {
      this.state.projects[project] = saved;
      const newest = Object.entries(this.state.projects)
        .sort(([, a], [, b]) => b.savedAt - a.savedAt)
        .slice(0, MAX_PROJECTS);
      this.state.projects = Object.fromEntries(newest);
    }
    this.write();
  }

  private write(): void {
    try {
      mkdirSync(path.dirname(this.file), { recursive: true });
      const temp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(temp, JSON.stringify(this.state, null, 2));
      renameSync(temp, this.file);
    } catch {
      // Losing a window position is not worth an error dialog.
    }
  }
}
