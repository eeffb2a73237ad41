import type { Command } from "../command";

/** Every `draftline` sub-command, in the order `draftline help` lists them. */
export const commands: Command[] = [];
