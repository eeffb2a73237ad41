/**
 * YAML front matter, the small subset Draftline writes and reads: `key: value` lines, values plain or
 * double-quoted (JSON string escapes), numbers, booleans. Anything else in a front matter block is kept
 * as a string.
 */
export type FrontMatter = Record<string, string | number | boolean>;

export function writeFrontMatter(fields: FrontMatter): string {
  const lines = Object.entries(fields).map(([key, value]) => `${key}: ${typeof value === "string" ? JSON.stringify(value) : String(value)}`);
  return `---\n${lines.join("\n")}\n---\n`;
}

/** Splits a leading front matter block off a Markdown text. */
export function readFrontMatter(text: string): { fields: FrontMatter; body: string } {
  const match = /^---[ \t]*\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/.exec(text);
  if (!match) return { fields: {}, body: text };
  const fields: FrontMatter = {};
  for (const line of (match[1] ?? "").split(/\r?\n/)) {
    const pair = /^([A-Za-z_][\w-]*)\s*:\s*(.*)$/.exec(line);
    if (!pair) continue;
    const key = pair[1] as string;
    fields[key] = parseValue((pair[2] ?? "").trim());
  }
  return { fields, body: text.slice(match[0].length) };
}

function parseValue(raw: string): string | number | boolean {
  if (raw.startsWith('"') && raw.endsWith('"') && raw.length >= 2) {
    try {
      return JSON.parse(raw) as string;
    } catch {
      return raw.slice(1, -1);
    }
  }
  if (raw.startsWith("'") && raw.endsWith("'") && raw.length >= 2) return raw.slice(1, -1).replace(/''/g, "'");
  if (raw === "true" || raw === "false") return raw === "true";
  if (/^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  return raw;
}
