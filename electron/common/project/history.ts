import { z } from "zod";

/** Why a snapshot was taken. */
export const snapshotReasons = ["manual", "before-regeneration", "before-plan-edit", "before-restore", "import"] as const;
export type SnapshotReason = (typeof snapshotReasons)[number];

/** One entry of a project's version history, as listed to the writer. */
export const historyEntrySchema = z.object({
  id: z.string(),
  createdAt: z.number(),
  label: z.string(),
  reason: z.enum(snapshotReasons),
  words: z.number().int().nonnegative(),
  /** Bytes the snapshot takes on disk (compressed). */
  bytes: z.number().int().nonnegative(),
});
export type HistoryEntry = z.infer<typeof historyEntrySchema>;

/** How much history a project keeps; the oldest snapshots are dropped first. */
export interface HistoryLimits {
  maxCount: number;
  maxBytes: number;
}

export const DEFAULT_HISTORY_LIMITS: HistoryLimits = { maxCount: 50, maxBytes: 64 * 1024 * 1024 };
