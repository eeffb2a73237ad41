// The benchmark's prompts: LongBench-Write's jsonl, one {prompt, type, length} object a line.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";

export const evalPromptSchema = z.object({ prompt: z.string().min(1), type: z.string().optional(), length: z.number().int().positive() });
export type EvalPrompt = z.infer<typeof evalPromptSchema>;

/** A prompt and its 1-based position in the data file. */
export interface EvalTask {
  index: number;
  prompt: EvalPrompt;
}

/** A data file that cannot be used; the message says which line is wrong. */
export class DatasetError extends Error {
  override name = "DatasetError";
}

/** Reads the prompts, saying which line is wrong. */
export async function readPrompts(file: string): Promise<EvalPrompt[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DatasetError(`Cannot read ${file}: ${code === "ENOENT" ? "no such file" : error instanceof Error ? error.message : String(error)}`);
  }
  const items: EvalPrompt[] = [];
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      throw new DatasetError(`${path.basename(file)} line ${i + 1} is not JSON.`);
    }
    const checked = evalPromptSchema.safeParse(parsed);
    if (!checked.success) throw new DatasetError(`${path.basename(file)} line ${i + 1} is not a prompt ({prompt, length}): ${checked.error.issues[0]?.message}`);
    items.push(checked.data);
  });
  if (items.length === 0) throw new DatasetError(`${file} has no prompts.`);
  return items;
}
