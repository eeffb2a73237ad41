/**
 * How a Markdown export carries the plans and reflections (with `withPlan`): HTML comments, invisible
 * when the Markdown is rendered and read back by the import. A step's plan comes before its text and
 * its reflection after it:
 *
 *     <!-- draftline:plan
 *     the step plan
 *     -->
 *     the step's text
 *     <!-- draftline:reflection
 *     the reflection
 *     -->
 *
 * and the section's brief and budget right after its heading: `<!-- draftline:section budget=1200
 * brief -->`. "-->" inside a plan is written as "--&gt;".
 */
export type AnnotationKind = "plan" | "reflection" | "section";

export function annotation(kind: AnnotationKind, text: string, attributes: Record<string, number> = {}): string {
  const attrs = Object.entries(attributes)
    .map(([k, v]) => ` ${k}=${v}`)
    .join("");
  return `<!-- draftline:${kind}${attrs}\n${text.trim().replace(/--(!?)>/g, "--$1&gt;")}\n-->`;
}

export interface Annotation {
  kind: AnnotationKind;
  attributes: Record<string, number>;
  text: string;
  /** Where it starts and ends in the text it was found in. */
  start: number;
  end: number;
}

const PATTERN = /<!-- draftline:(plan|reflection|section)((?: [a-z]+=\d+)*)\n([\s\S]*?)\n?-->[ \t]*\n?/g;

export function findAnnotations(text: string): Annotation[] {
  const found: Annotation[] = [];
  for (const match of text.matchAll(PATTERN)) {
    const attributes: Record<string, number> = {};
    for (const pair of (match[2] ?? "").trim().split(/\s+/).filter(Boolean)) {
      const [k, v] = pair.split("=");
      if (k && v) attributes[k] = Number(v);
    }
    found.push({ kind: match[1] as AnnotationKind, attributes, text: (match[3] ?? "").replace(/--(!?)&gt;/g, "--$1>"), start: match.index, end: match.index + match[0].length });
  }
  return found;
}
