/** A short title from an instruction: its first clause, at most 60 characters. */
export function titleFromInstruction(instruction: string): string {
  const first = instruction.trim().split(/[\n.!?。！？]/)[0]?.trim() ?? "";
  if (!first) return "Untitled";
  return first.length <= 60 ? first : `${first.slice(0, 57).replace(/\s+\S*$/, "")}…`;
}
