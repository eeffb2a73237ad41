// The report's settings on disk: the writer's stock-phrase list and the judge (its server and model,
// or the loaded model), in report.json of the app's data folder. An API key is never written there:
// it is kept for the session only. A file that cannot be read leaves the defaults in use and is not
// overwritten until the writer changes a setting.
import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { DEFAULT_STOCK_PHRASES, normalizeStockPhrases } from "../../common/report/report";
import { writeFileAtomic } from "../base/atomicWrite";

export type StoredJudge = { kind: "server"; url: string; model: string | null } | { kind: "local" };

export interface StoredReportSettings {
  stockPhrases: string[];
  judge: StoredJudge | null;
}

const fileSchema = z.object({
  version: z.literal(1),
  stockPhrases: z.array(z.string()),
  judge: z
    .discriminatedUnion("kind", [z.object({ kind: z.literal("server"), url: z.string().url(), model: z.string().nullable() }), z.object({ kind: z.literal("local") })])
    .nullable(),
});

export function defaultReportSettings(): StoredReportSettings {
  return { stockPhrases: [...DEFAULT_STOCK_PHRASES], judge: null };
}

export function reportSettingsPath(dataDir: string): string {
  return path.join(dataDir, "report.json");
}

/** Reads the settings; the defaults when there is no file; `problem` says why a file was not used. */
export async function readReportSettings(dataDir: string): Promise<{ settings: StoredReportSettings; problem: string | null }> {
  const file = reportSettingsPath(dataDir);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { settings: defaultReportSettings(), problem: null };
    return { settings: defaultReportSettings(), problem: `${file} cannot be read: ${error instanceof Error ? error.message : String(error)}` };
  }
  try {
    const data = fileSchema.parse(JSON.parse(text));
    return { settings: { stockPhrases: normalizeStockPhrases(data.stockPhrases), judge: data.judge }, problem: null };
  } catch (error) {
    return { settings: defaultReportSettings(), problem: `${file} is not valid report settings (${error instanceof Error ? error.message.slice(0, 200) : String(error)}); the defaults are used until they are changed` };
  }
}

export async function writeReportSettings(dataDir: string, settings: StoredReportSettings): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  await writeFileAtomic(reportSettingsPath(dataDir), JSON.stringify({ version: 1, ...settings }, null, 2) + "\n");
}
