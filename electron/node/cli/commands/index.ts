import type { Command } from "../command";
import { countCommand } from "./count";
import { doctorCommand } from "./doctor";
import { evalCommand } from "./eval";
import { exportCommand } from "./export";
import { importCommand } from "./import";
import { modelsCommand } from "./models";
import { parseCommand } from "./parse";
import { reportCommand } from "./report";
import { rewriteCommand } from "./rewrite";
import { serveCommand } from "./serve";
import { testModelCommand } from "./test-model";
import { writeCommand } from "./write";

/** Every `draftline` sub-command, in the order `draftline help` lists them. */
export const commands: Command[] = [writeCommand, evalCommand, reportCommand, parseCommand, countCommand, exportCommand, importCommand, rewriteCommand, modelsCommand, doctorCommand, testModelCommand, serveCommand];
